using System.Reflection;
using System.Text.Json;

namespace Repro.Data.Labels;

/// <summary>What the label map says about one dataset category.</summary>
public enum LabelLookup
{
    /// <summary>Maps to one of the common classes.</summary>
    Mapped,
    /// <summary>Known to the vocabulary and deliberately not used (traffic sign, train, …).</summary>
    Ignored,
    /// <summary>Not in the vocabulary at all: the readers count and report these.</summary>
    Unknown,
}

/// <summary>One dataset's category names (BDD100K strings, VIPER class ids as text) and where each goes.</summary>
public sealed class LabelVocabulary
{
    private readonly Dictionary<string, CommonClass> map;
    private readonly HashSet<string> ignore;

    internal LabelVocabulary(string name, Dictionary<string, CommonClass> map, HashSet<string> ignore)
    {
        Name = name;
        this.map = map;
        this.ignore = ignore;
    }

    public string Name { get; }

    public IReadOnlyDictionary<string, CommonClass> Mapping => map;

    public IReadOnlySet<string> IgnoredCategories => ignore;

    public LabelLookup Lookup(string category, out CommonClass commonClass)
    {
        if (map.TryGetValue(category, out commonClass)) return LabelLookup.Mapped;
        return ignore.Contains(category) ? LabelLookup.Ignored : LabelLookup.Unknown;
    }
}

/// <summary>
/// The common label space as a data file (<c>experiments/label-map.json</c> by default): per dataset vocabulary, a
/// map from category to common class plus a list of known categories that are not used. The paper's own table is
/// not available, so this is a user-editable choice rather than code.
/// </summary>
public sealed class LabelMap
{
    public const string Bdd100k = "bdd100k";
    public const string Viper = "viper";
    private const string DefaultResource = "Repro.Data.label-map.json";

    private readonly Dictionary<string, LabelVocabulary> vocabularies;

    private LabelMap(string source, Dictionary<string, LabelVocabulary> vocabularies)
    {
        Source = source;
        this.vocabularies = vocabularies;
    }

    /// <summary>Where the map came from (a path, or the embedded default).</summary>
    public string Source { get; }

    /// <summary>The map shipped in <c>experiments/label-map.json</c>, embedded in the library.</summary>
    public static LabelMap Default { get; } = LoadDefault();

    public IReadOnlyCollection<string> VocabularyNames => vocabularies.Keys;

    public LabelVocabulary Vocabulary(string name) =>
        vocabularies.TryGetValue(name, out var v)
            ? v
            : throw new InvalidDataException($"{Source}: the label map has no vocabulary '{name}' (it has: {string.Join(", ", vocabularies.Keys)})");

    public static LabelMap Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: cannot read the label map: {e.Message}", e);
        }
        return Parse(text, path);
    }

    private static LabelMap LoadDefault()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(DefaultResource)
                           ?? throw new InvalidOperationException($"embedded resource {DefaultResource} is missing from the build");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), "label-map.json (embedded default)");
    }

    /// <summary>Parses the JSON text; every structural problem is an error naming <paramref name="source"/> and the entry.</summary>
    public static LabelMap Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("vocabularies", out var vocabs) || vocabs.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{source}: expected an object with a 'vocabularies' object");
            var result = new Dictionary<string, LabelVocabulary>(StringComparer.Ordinal);
            foreach (var vocab in vocabs.EnumerateObject())
                result[vocab.Name] = ParseVocabulary(source, vocab.Name, vocab.Value);
            return new LabelMap(source, result);
        }
    }

    private static LabelVocabulary ParseVocabulary(string source, string name, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("map", out var mapElement) || mapElement.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{source}: vocabulary '{name}' needs a 'map' object");
        var map = new Dictionary<string, CommonClass>(StringComparer.Ordinal);
        foreach (var entry in mapElement.EnumerateObject())
        {
            var target = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : "";
            var match = CommonClasses.All.Where(c => c.Name() == target).ToList();
            if (match.Count != 1)
                throw new InvalidDataException(
                    $"{source}: vocabulary '{name}', category '{entry.Name}' maps to '{target}', which is not one of {string.Join(", ", CommonClasses.All.Select(c => c.Name()))}");
            map[entry.Name] = match[0];
        }
        var ignore = new HashSet<string>(StringComparer.Ordinal);
        if (element.TryGetProperty("ignore", out var ignoreElement))
        {
            if (ignoreElement.ValueKind != JsonValueKind.Array)
                throw new InvalidDataException($"{source}: vocabulary '{name}': 'ignore' must be an array of category names");
            foreach (var item in ignoreElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                    throw new InvalidDataException($"{source}: vocabulary '{name}': 'ignore' holds {item.ValueKind}, expected category names as strings");
                var category = item.GetString()!;
                if (map.ContainsKey(category))
                    throw new InvalidDataException($"{source}: vocabulary '{name}': category '{category}' is both mapped and ignored");
                ignore.Add(category);
            }
        }
        return new LabelVocabulary(name, map, ignore);
    }
}
