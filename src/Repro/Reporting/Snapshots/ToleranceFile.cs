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
    private readonly IReadOnlyDictionary<string, string> _entries;
    private readonly IReadOnlyDictionary<string, string> _annotations;
    private readonly IReadOnlyList<string> _order;

    private ToleranceFile(string source, IReadOnlyList<string> order, IReadOnlyDictionary<string, TableTolerances> tables,
        IReadOnlyDictionary<string, string> entries, IReadOnlyDictionary<string, string> annotations)
    {
        Source = source;
        _order = order;
        _tables = tables;
        _entries = entries;
        _annotations = annotations;
    }

    public string Source { get; }

    /// <summary>The declared settings for a snapshot, or exact comparison by row position if it has none.</summary>
    public TableTolerances For(string name) => _tables.TryGetValue(name, out var t) ? t : TableTolerances.ExactByPosition;

    public bool Declares(string name) => _tables.ContainsKey(name);

    /// <summary>
    /// Every declared snapshot name with its settings, in the file's order: a calibration keeps what it did not measure,
    /// and keeps it where it was, so that its diff shows only what it measured.
    /// </summary>
    public IEnumerable<(string Name, TableTolerances Tolerances)> Declared => _order.Select(name => (name, _tables[name]));

    /// <summary>
    /// A table's entry as it is written in the file, <c>$</c>-comments included: a calibration that does not measure
    /// the table keeps it verbatim, with the record of where its numbers came from.
    /// </summary>
    public string? EntryJson(string name) => _entries.GetValueOrDefault(name);

    /// <summary>A top-level <c>$</c>-property as JSON (<c>$calibrated</c>, <c>$runs</c>, …), or null.</summary>
    public string? AnnotationJson(string name) => _annotations.GetValueOrDefault(name);

    public static ToleranceFile Empty(string source) => new(source, [], new Dictionary<string, TableTolerances>(), new Dictionary<string, string>(), new Dictionary<string, string>());

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
            var entries = new Dictionary<string, string>(StringComparer.Ordinal);
            var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
            var order = new List<string>();
            foreach (var entry in root.EnumerateObject())
            {
                if (entry.Name.StartsWith('$')) // "$comment", "$schema"
                {
                    annotations[entry.Name] = entry.Value.GetRawText();
                    continue;
                }
                if (!tables.ContainsKey(entry.Name)) order.Add(entry.Name);
                tables[entry.Name] = ParseTable(entry.Value, $"{source}: '{entry.Name}'");
                entries[entry.Name] = entry.Value.GetRawText();
            }
            return new ToleranceFile(source, order, tables, entries, annotations);
        }
    }

    private static TableTolerances ParseTable(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{where}: expected an object with 'keys', 'columns' and/or 'default'.");
        var keys = new List<string>();
        var columns = new Dictionary<string, Tolerance>(StringComparer.Ordinal);
        var fallback = Tolerance.Exact;
        var meanOver = new List<string>();
        var rows = new List<(string Text, JsonElement Columns)>();
        var maxTolerance = new Dictionary<string, double>(StringComparer.Ordinal);
        var perRow = false;
        var statistical = false;
        string? pending = null;
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "keys":
                    ReadNames(property.Value, keys, $"{where}: 'keys'");
                    break;
                case "meanOver":
                    ReadNames(property.Value, meanOver, $"{where}: 'meanOver'");
                    break;
                case "rows":
                    if (property.Value.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{where}: 'rows' must map rows (\"key=value,key=value\") to column tolerances.");
                    foreach (var row in property.Value.EnumerateObject())
                        if (!row.Name.StartsWith('$')) rows.Add((row.Name, row.Value));
                    break;
                case "maxTolerance":
                    if (property.Value.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{where}: 'maxTolerance' must map column names to numbers.");
                    foreach (var column in property.Value.EnumerateObject())
                        if (!column.Name.StartsWith('$')) maxTolerance[column.Name] = ReadNonNegative(column.Value, $"{where}, 'maxTolerance' of '{column.Name}'");
                    break;
                case "columns":
                    if (property.Value.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{where}: 'columns' must map column names to tolerances.");
                    foreach (var column in property.Value.EnumerateObject())
                        columns[column.Name] = ParseTolerance(column.Value, $"{where}, column '{column.Name}'");
                    break;
                case "default":
                    fallback = ParseTolerance(property.Value, $"{where}, 'default'");
                    break;
                case "perRow":
                    perRow = ReadBool(property.Value, $"{where}: 'perRow'");
                    break;
                case "statistical":
                    statistical = ReadBool(property.Value, $"{where}: 'statistical'");
                    break;
                case "pending":
                    pending = property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() is { Length: > 0 } why
                        ? why : throw new InvalidDataException($"{where}: 'pending' must say why the table has no verified copy yet.");
                    break;
                case var name when name.StartsWith('$'):
                    break;
                default:
                    throw new InvalidDataException($"{where}: unknown property '{property.Name}' (expected 'keys', 'meanOver', 'statistical', 'perRow', 'columns', 'rows', 'default', 'maxTolerance' or 'pending').");
            }
        }
        var keyed = columns.Keys.Concat(maxTolerance.Keys).FirstOrDefault(keys.Contains);
        if (keyed is not null) throw new InvalidDataException($"{where}: column '{keyed}' is a key (compared exactly) and cannot have a tolerance.");
        var notKey = meanOver.FirstOrDefault(c => !keys.Contains(c));
        if (notKey is not null) throw new InvalidDataException($"{where}: 'meanOver' column '{notKey}' is not one of the keys ({string.Join(", ", keys)}); only key columns are averaged over.");
        if (perRow && (meanOver.Count > 0 || statistical))
            throw new InvalidDataException($"{where}: 'perRow' excludes 'meanOver' and 'statistical' (those are calibrated per row by the statistical rule already).");
        var table = new TableTolerances(keys, columns, fallback) { MeanOver = meanOver, MaxTolerance = maxTolerance, PerRow = perRow, Statistical = statistical, Pending = pending };
        return table with { Rows = rows.Select(r => ParseRow(r.Text, r.Columns, table.GroupKeys, where)).ToList() };
    }

    private static bool ReadBool(JsonElement element, string where) => element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new InvalidDataException($"{where} must be true or false."),
    };

    private static void ReadNames(JsonElement element, List<string> names, string where)
    {
        if (element.ValueKind != JsonValueKind.Array) throw new InvalidDataException($"{where} must be an array of column names.");
        foreach (var name in element.EnumerateArray())
        {
            if (name.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(name.GetString()))
                throw new InvalidDataException($"{where} must hold column names (non-empty strings).");
            if (names.Contains(name.GetString()!)) throw new InvalidDataException($"{where}: column '{name.GetString()}' is listed twice.");
            names.Add(name.GetString()!);
        }
    }

    // A row names every key of the compared rows, so that it selects one row and a misspelt key is caught here.
    private static RowTolerances ParseRow(string text, JsonElement element, IReadOnlyList<string> groupKeys, string where)
    {
        var row = RowSelector.TryParse(text);
        if (row is null || !row.Values.Select(v => v.Column).Order(StringComparer.Ordinal).SequenceEqual(groupKeys.Order(StringComparer.Ordinal)))
            throw new InvalidDataException($"{where}, row '{text}': a row is written key=value for every key of the compared rows ({string.Join(", ", groupKeys.Select(k => k + "=…"))}).");
        if (element.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{where}, row '{text}': expected an object mapping column names to tolerances.");
        var columns = new Dictionary<string, Tolerance>(StringComparer.Ordinal);
        foreach (var column in element.EnumerateObject())
        {
            if (column.Name.StartsWith('$')) continue;
            if (groupKeys.Contains(column.Name)) throw new InvalidDataException($"{where}, row '{text}': column '{column.Name}' is a key (compared exactly) and cannot have a tolerance.");
            columns[column.Name] = ParseTolerance(column.Value, $"{where}, row '{text}', column '{column.Name}'");
        }
        return new RowTolerances(row, columns);
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
