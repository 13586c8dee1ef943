using System.Text.Json;

namespace Repro.Reporting.Snapshots;

/// <summary>
/// <c>expected-results/&lt;profile&gt;/tolerances.json</c>: per snapshot name, its key columns and per-column
/// numeric tolerances (format in docs/snapshots.md). Read strictly: an unknown property or a negative tolerance is an
/// error naming the file and the entry, because a typo that silently loosened or ignored a tolerance would let a
/// real change through.
/// </summary>
internal sealed class ToleranceFile
{
    private readonly IReadOnlyDictionary<string, TableTolerances> _tables;

    private ToleranceFile(string source, IReadOnlyDictionary<string, TableTolerances> tables)
    {
        Source = source;
        _tables = tables;
    }

    public string Source { get; }

    /// <summary>The declared settings for a snapshot, or exact comparison by row position if it has none.</summary>
    public TableTolerances For(string name) => _tables.TryGetValue(name, out var t) ? t : TableTolerances.ExactByPosition;

    public bool Declares(string name) => _tables.ContainsKey(name);

    /// <summary>Every declared snapshot name with its settings, in name order (a calibration keeps what it did not measure).</summary>
    public IEnumerable<(string Name, TableTolerances Tolerances)> Declared => _tables.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => (t.Key, t.Value));

    public static ToleranceFile Empty(string source) => new(source, new Dictionary<string, TableTolerances>());

    /// <summary>Loads the file, or an empty declaration when it does not exist (every snapshot exact).</summary>
    public static ToleranceFile LoadOrEmpty(string path) => File.Exists(path) ? Parse(File.ReadAllText(path), path) : Empty(path);

    public static ToleranceFile Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{source}: expected a JSON object of snapshot names.");
            var tables = new Dictionary<string, TableTolerances>(StringComparer.Ordinal);
            foreach (var entry in root.EnumerateObject())
            {
                if (entry.Name.StartsWith('$')) continue; // "$comment", "$schema"
                tables[entry.Name] = ParseTable(entry.Value, $"{source}: '{entry.Name}'");
            }
            return new ToleranceFile(source, tables);
        }
    }

    private static TableTolerances ParseTable(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{where}: expected an object with 'keys', 'columns' and/or 'default'.");
        var keys = new List<string>();
        var columns = new Dictionary<string, Tolerance>(StringComparer.Ordinal);
        var fallback = Tolerance.Exact;
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "keys":
                    if (property.Value.ValueKind != JsonValueKind.Array) throw new InvalidDataException($"{where}: 'keys' must be an array of column names.");
                    foreach (var key in property.Value.EnumerateArray())
                    {
                        if (key.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(key.GetString()))
                            throw new InvalidDataException($"{where}: 'keys' must hold column names (non-empty strings).");
                        if (keys.Contains(key.GetString()!)) throw new InvalidDataException($"{where}: key column '{key.GetString()}' is listed twice.");
                        keys.Add(key.GetString()!);
                    }
                    break;
                case "columns":
                    if (property.Value.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{where}: 'columns' must map column names to tolerances.");
                    foreach (var column in property.Value.EnumerateObject())
                        columns[column.Name] = ParseTolerance(column.Value, $"{where}, column '{column.Name}'");
                    break;
                case "default":
                    fallback = ParseTolerance(property.Value, $"{where}, 'default'");
                    break;
                case var name when name.StartsWith('$'):
                    break;
                default:
                    throw new InvalidDataException($"{where}: unknown property '{property.Name}' (expected 'keys', 'columns' or 'default').");
            }
        }
        var keyed = columns.Keys.FirstOrDefault(keys.Contains);
        if (keyed is not null) throw new InvalidDataException($"{where}: column '{keyed}' is a key (compared exactly) and cannot have a tolerance.");
        return new TableTolerances(keys, columns, fallback);
    }

    private static Tolerance ParseTolerance(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{where}: expected an object such as {{ \"absolute\": 0.01, \"relative\": 0.05 }}.");
        double absolute = 0, relative = 0;
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "absolute": absolute = ReadNonNegative(property.Value, $"{where}, 'absolute'"); break;
                case "relative": relative = ReadNonNegative(property.Value, $"{where}, 'relative'"); break;
                case var name when name.StartsWith('$'): break;
                default: throw new InvalidDataException($"{where}: unknown property '{property.Name}' (expected 'absolute' and/or 'relative').");
            }
        }
        return new Tolerance(absolute, relative);
    }

    private static double ReadNonNegative(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out var value) || !double.IsFinite(value) || value < 0)
            throw new InvalidDataException($"{where}: must be a finite number ≥ 0, found {element.GetRawText()}.");
        return value;
    }
}
