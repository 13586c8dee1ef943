using System.Text.Json;
using Repro.Torch.IO;

namespace Repro.Experiments;

/// <summary>
/// Content hashes of external input files, kept by (path, size, modification time) in a JSON file under the
/// artifacts root, so BDD100K's label file or VIPER's box files are read once, not on every status check. A file
/// whose size or time changed is hashed again. Several processes may share the file: each write is atomic and the
/// last one wins, which at worst forgets a hash (it is then computed again).
/// </summary>
public sealed class InputHashCache(string path)
{
    private sealed record Entry(long Size, long ModifiedTicks, string Hash);

    private readonly Dictionary<string, Entry> entries = Load(path);
    private readonly Lock gate = new();

    public string Path { get; } = path;

    public string Of(string file)
    {
        var info = new FileInfo(file);
        var full = info.FullName;
        lock (gate)
        {
            if (entries.TryGetValue(full, out var e) && e.Size == info.Length && e.ModifiedTicks == info.LastWriteTimeUtc.Ticks) return e.Hash;
        }
        var hash = ContentHash.OfFile(full);
        lock (gate)
        {
            entries[full] = new Entry(info.Length, info.LastWriteTimeUtc.Ticks, hash);
            Dirty = true;
        }
        return hash;
    }

    private bool Dirty { get; set; }

    /// <summary>Writes the cache when something was hashed since it was read.</summary>
    public void Save()
    {
        lock (gate)
        {
            if (!Dirty) return;
            AtomicFile.WriteAllText(Path, JsonSerializer.Serialize(entries));
            Dirty = false;
        }
    }

    private static Dictionary<string, Entry> Load(string path)
    {
        if (!File.Exists(path)) return new();
        try { return JsonSerializer.Deserialize<Dictionary<string, Entry>>(File.ReadAllText(path)) ?? new(); }
        catch (JsonException) { return new(); } // a cache: an unreadable one is rebuilt
    }
}
