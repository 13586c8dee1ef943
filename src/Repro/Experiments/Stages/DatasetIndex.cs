using System.Text.Json;
using System.Text.Json.Serialization;
using Repro.Data.Reading;
using Repro.Data.Splitting;
using Repro.Torch.IO;

namespace Repro.Experiments.Stages;

/// <summary>
/// A dataset as the data stage left it: every usable image with its boxes in the common label space, and the
/// 60/20/20 split. Later stages read this instead of re-parsing BDD100K's gigabyte of JSON. Image paths are stored
/// relative to a named root (<see cref="DatasetRoots"/>: the data stage's folder, the BDD100K and VIPER download
/// roots), written "&lt;root&gt;/relative/path", and resolved against the roots of the machine that reads the index:
/// the data task's outputs hold no absolute path and move between machines.
/// </summary>
public sealed record DatasetIndex(string Domain, IReadOnlyList<LabeledImage> Images, DatasetSplit Split)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // "<data>/…" as written
    };

    public IReadOnlyList<LabeledImage> this[SplitName split]
    {
        get
        {
            var ids = Split[split].ToHashSet();
            return Images.Where(i => ids.Contains(i.Id)).ToList();
        }
    }

    public static string PathIn(string dataDir, string domain) => Path.Combine(dataDir, $"{domain}.index.json");

    public void Write(string dataDir, DatasetRoots roots)
    {
        var portable = Images.Select(i => i with { ImagePath = roots.Portable(i.ImagePath) }).ToList();
        AtomicFile.WriteAllText(PathIn(dataDir, Domain), JsonSerializer.Serialize(portable, Json));
        Split.Write(Path.Combine(dataDir, $"{Domain}-split"));
    }

    public static DatasetIndex Read(string dataDir, string domain, DatasetRoots roots)
    {
        var path = PathIn(dataDir, domain);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing: run the Data stage first", path);
        var images = JsonSerializer.Deserialize<List<LabeledImage>>(File.ReadAllText(path), Json)
                     ?? throw new InvalidDataException($"{path}: empty index");
        return new DatasetIndex(domain, images.Select(i => i with { ImagePath = roots.Resolve(i.ImagePath, path) }).ToList(),
            DatasetSplit.Read(Path.Combine(dataDir, $"{domain}-split")));
    }

    /// <summary>The data stage's index of a domain, its image paths resolved on this machine.</summary>
    public static DatasetIndex Read(StudyContext context, string domain) => Read(context.StageDir("data"), domain, DatasetRoots.Of(context));
}

/// <summary>
/// The folders dataset images live under, by name: "data" (the data stage's folder, where generated images go),
/// "data.bdd" and "data.gtav" (the download roots the profile names, resolved on this machine when first needed).
/// </summary>
public sealed class DatasetRoots(IReadOnlyDictionary<string, Func<string>> roots)
{
    private readonly Dictionary<string, string> resolved = new();

    public static DatasetRoots Of(StudyContext context) => new(new Dictionary<string, Func<string>>
    {
        ["data"] = () => context.StageDir("data"),
        ["data.bdd"] = () => context.ResolvePath(context.Profile.Data.Bdd?.Root ?? throw new InvalidDataException("the index names data.bdd, but the profile has no data.bdd"), "data.bdd.root"),
        ["data.gtav"] = () => context.ResolvePath(context.Profile.Data.Gtav?.Root ?? throw new InvalidDataException("the index names data.gtav, but the profile has no data.gtav"), "data.gtav.root"),
    });

    private string Root(string name) => resolved.TryGetValue(name, out var r) ? r : resolved[name] = Path.GetFullPath(roots[name]());

    /// <summary>"&lt;root&gt;/relative" for a path under one of the roots (tried in order); an error otherwise.</summary>
    public string Portable(string path)
    {
        var full = Path.GetFullPath(path);
        foreach (var name in roots.Keys)
        {
            string root;
            try { root = Root(name); }
            catch (Exception e) when (e is InvalidOperationException or InvalidDataException) { continue; } // a root this profile does not use
            var relative = Path.GetRelativePath(root, full);
            if (!relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative))
                return $"<{name}>/{relative.Replace(Path.DirectorySeparatorChar, '/')}";
        }
        throw new InvalidDataException($"{path}: an image outside every dataset root ({string.Join(", ", roots.Keys)}); the index would not travel");
    }

    /// <summary>The path on this machine; an error names the index and the root it does not know.</summary>
    public string Resolve(string portable, string index)
    {
        var end = portable.IndexOf(">/", StringComparison.Ordinal);
        if (!portable.StartsWith('<') || end < 0)
            throw new InvalidDataException($"{index}: image path '{portable}' is not '<root>/relative' (an index of an older format: rerun the data stage)");
        var name = portable[1..end];
        if (!roots.ContainsKey(name)) throw new InvalidDataException($"{index}: unknown dataset root '<{name}>' in '{portable}'");
        return Path.Combine(Root(name), portable[(end + 2)..].Replace('/', Path.DirectorySeparatorChar));
    }
}
