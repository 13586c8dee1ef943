using System.Security.Cryptography;
using System.Text;

namespace Repro.Experiments;

/// <summary>
/// Hashes of what is on disk, by content: a file's bytes, or a folder's files (their paths relative to the folder,
/// in ordinal order, and each file's bytes). A task's manifest records the hash of its outputs, and the tasks that
/// read them include that hash in their fingerprints (as DVC's lock file does), so a rerun upstream that writes other
/// bytes makes exactly the readers of those bytes stale, and one that writes the same bytes makes nothing stale.
/// </summary>
public static class ContentHash
{
    /// <summary>
    /// The files a task writes that are bookkeeping, not output: never hashed, never packed. Wall-clock timings are
    /// among them: they measure the machine, and a rerun that writes the same results must hash the same.
    /// </summary>
    public static readonly IReadOnlySet<string> Bookkeeping = new HashSet<string>(StringComparer.Ordinal)
    {
        Manifest.FileName, TaskFolder.StartedMarker, Training.TimingsCsv.FileName,
    };

    public static string OfText(string text) => Hex(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public static string OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Hex(SHA256.HashData(stream));
    }

    /// <summary>
    /// The hash of the files under <paramref name="dir"/> (recursively, bookkeeping files left out), skipping the
    /// sub-folders named in <paramref name="exclude"/> (relative, '/'-separated: other tasks' folders nested in this
    /// one). Paths enter the hash relative and '/'-separated, so the same outputs hash the same on any machine.
    /// </summary>
    public static string OfFolder(string dir, IReadOnlyCollection<string>? exclude = null, Func<string, string>? fileHash = null)
    {
        fileHash ??= OfFile;
        return OfListing(Files(dir, exclude ?? []).Select(relative => (relative, fileHash(Path.Combine(dir, relative)))));
    }

    /// <summary>The folder hash of files given as (relative path, content hash), in ordinal order of their paths.</summary>
    public static string OfListing(IEnumerable<(string Relative, string Hash)> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (relative, fileHash) in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(relative));
            hash.AppendData([0]);
            hash.AppendData(Encoding.UTF8.GetBytes(fileHash));
            hash.AppendData([0]);
        }
        return Hex(hash.GetHashAndReset());
    }

    /// <summary>The output files of a folder, relative and '/'-separated, in ordinal order.</summary>
    public static IReadOnlyList<string> Files(string dir, IReadOnlyCollection<string> exclude)
    {
        if (!Directory.Exists(dir)) return [];
        return Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(dir, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(r => !Bookkeeping.Contains(r) && !IsTemporary(r) && !exclude.Any(e => r.StartsWith(e + "/", StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>AtomicFile's temporary files, left behind only by a process killed mid-write.</summary>
    private static bool IsTemporary(string relative) => relative.Contains(".tmp-", StringComparison.Ordinal);

    private static string Hex(byte[] digest) => Convert.ToHexString(digest)[..32].ToLowerInvariant();
}
