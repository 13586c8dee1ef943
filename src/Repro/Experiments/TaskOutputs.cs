namespace Repro.Experiments;

/// <summary>What a manifest records of one output file: its size and modification time (the quick check) and its content hash.</summary>
public sealed record OutputFile(long Size, DateTime Modified, string Hash)
{
    public static OutputFile Of(FileInfo file, string hash) => new(file.Length, file.LastWriteTimeUtc, hash);

    public bool LooksUnchanged(FileInfo file) => file.Length == Size && file.LastWriteTimeUtc == Modified;
}

/// <summary>How a finished task's outputs compare with its manifest: why they differ (null when they do not), and the
/// manifest with refreshed file records when only sizes or times moved (a copy, an unpack) and the content did not.</summary>
public sealed record OutputCheck(string? Changed, Manifest? Refreshed);

/// <summary>
/// A finished task's outputs checked against its manifest before it is reused, as DVC checks its outputs: a file
/// whose size and modification time are those recorded is taken as unchanged; any other is hashed and compared with
/// its recorded content hash. A file changed, deleted or added makes the task stale ("outputs changed since it ran:
/// FILE"): a byte flipped in a finished image would otherwise be trained on by every task downstream. A folder
/// copied by hand (other times, same bytes) passes after one hashing, and its manifest's records are refreshed. A
/// manifest from before per-file records is checked against its folder hash once and upgraded.
/// </summary>
public static class TaskOutputs
{
    public const string ChangedPrefix = "outputs changed since it ran: ";

    /// <summary>The records of the files in a task folder now (each file hashed).</summary>
    public static IReadOnlyDictionary<string, OutputFile> Record(string dir, IReadOnlyCollection<string> nested) =>
        ContentHash.Files(dir, nested).ToDictionary(r => r, r =>
        {
            var path = Path.Combine(dir, r);
            return OutputFile.Of(new FileInfo(path), ContentHash.OfFile(path));
        }, StringComparer.Ordinal);

    /// <summary>The folder hash (<see cref="ContentHash.OfFolder"/>) of recorded files.</summary>
    public static string FolderHash(IReadOnlyDictionary<string, OutputFile> files) =>
        ContentHash.OfListing(files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => (f.Key, f.Value.Hash)));

    /// <summary>
    /// Compares the folder with the manifest: by size and time, hashing only files that moved, or every file when
    /// <paramref name="rehashAll"/> (<c>repro study verify</c>).
    /// </summary>
    public static OutputCheck Check(string dir, IReadOnlyCollection<string> nested, Manifest manifest, bool rehashAll = false)
    {
        if (manifest.Files is null)
        {
            var now = Record(dir, nested);
            return FolderHash(now) == manifest.Outputs
                ? new OutputCheck(null, manifest with { Files = now })
                : new OutputCheck(ChangedPrefix + "a file of this folder (its manifest predates per-file records)", null);
        }
        var present = ContentHash.Files(dir, nested);
        var changed = new List<string>();
        var refreshed = new Dictionary<string, OutputFile>(manifest.Files, StringComparer.Ordinal);
        var moved = false;
        foreach (var relative in present)
        {
            if (!manifest.Files.TryGetValue(relative, out var recorded))
            {
                changed.Add($"{relative} (added)");
                continue;
            }
            var info = new FileInfo(Path.Combine(dir, relative));
            if (!rehashAll && recorded.LooksUnchanged(info)) continue;
            var hash = ContentHash.OfFile(info.FullName);
            if (hash != recorded.Hash) changed.Add(relative);
            else if (!recorded.LooksUnchanged(info))
            {
                refreshed[relative] = OutputFile.Of(info, hash);
                moved = true;
            }
        }
        var presentSet = present.ToHashSet(StringComparer.Ordinal);
        changed.AddRange(manifest.Files.Keys.Where(k => !presentSet.Contains(k)).Order(StringComparer.Ordinal).Select(k => $"{k} (deleted)"));
        if (changed.Count > 0)
        {
            var shown = string.Join(", ", changed.Take(5)) + (changed.Count > 5 ? $" and {changed.Count - 5} more" : "");
            return new OutputCheck(ChangedPrefix + shown, null);
        }
        return new OutputCheck(null, moved ? manifest with { Files = refreshed } : null);
    }
}
