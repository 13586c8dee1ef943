namespace Repro.Experiments;

/// <summary>
/// A file a task reads from outside the study's artifacts (BDD100K's label file, VIPER's box files,
/// darknet53.conv.74, a model cfg, the label map, the claims): named by the profile setting that points at it, and
/// fingerprinted by content, not by path, so the same data at another path (another machine) leaves the task up to
/// date and edited data does not. A folder input stands for its files matching <see cref="Pattern"/> (recursively).
/// </summary>
public sealed record ExternalInput(string Setting, string Path, string? Pattern = null)
{
    /// <summary>The content hash (through the cache); an error names the setting and the path when it is missing.</summary>
    public string Hash(InputHashCache cache)
    {
        if (Pattern is null)
        {
            if (!File.Exists(Path)) throw new FileNotFoundException($"{Setting}: {Path} does not exist", Path);
            return cache.Of(Path);
        }
        if (!Directory.Exists(Path)) throw new DirectoryNotFoundException($"{Setting}: {Path} does not exist");
        var files = Directory.EnumerateFiles(Path, Pattern, SearchOption.AllDirectories)
            .Select(f => System.IO.Path.GetRelativePath(Path, f).Replace(System.IO.Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new FileNotFoundException($"{Setting}: no {Pattern} files under {Path}", Path);
        // Relative names and contents: the folder may sit anywhere.
        return ContentHash.OfText(string.Join("\n", files.Select(f => $"{f}\t{cache.Of(System.IO.Path.Combine(Path, f))}")));
    }
}
