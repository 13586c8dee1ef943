using System.Globalization;
using CsvHelper;
using Repro.Data;

namespace Repro.Evaluation;

/// <summary>
/// Reading and writing of the evaluation CSV files (invariant culture, header row, comma-separated), with errors
/// that name the file, the line and the column.
/// </summary>
internal sealed class CsvTable : IDisposable
{
    private readonly CsvReader csv;

    private CsvTable(string path, CsvReader csv) => (Path, this.csv) = (path, csv);

    public string Path { get; }

    /// <summary>Opens a file and checks that its header holds every required column.</summary>
    public static CsvTable Open(string path, IReadOnlyList<string> requiredColumns)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"CSV file not found: {path}", path);
        var options = CsvReaderOptions.Default with
        {
            TrackLineNumbers = true,
            TrimWhitespace = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Throw,
        };
        var table = new CsvTable(path, CsvReader.FromFile(path, options));
        try
        {
            var headers = table.csv.Headers;
            if (headers.Count == 0) throw new InvalidDataException($"{path}: the file is empty (expected a header: {string.Join(",", requiredColumns)})");
            var missing = requiredColumns.Where(c => !headers.Contains(c)).ToList();
            if (missing.Count > 0)
                throw new InvalidDataException($"{path}: the header lacks column(s) {string.Join(", ", missing)} (expected {string.Join(",", requiredColumns)})");
            return table;
        }
        catch
        {
            table.Dispose();
            throw;
        }
    }

    public bool Read()
    {
        try
        {
            return csv.Read();
        }
        catch (CsvFormatException e)
        {
            throw new InvalidDataException($"{Path}: malformed CSV: {e.Message}", e);
        }
    }

    public long Line => csv.LineNumber;

    public string Text(string column) => csv.GetString(column);

    public float Number(string column)
    {
        var text = Text(column);
        if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !float.IsFinite(value))
            throw Error($"column '{column}': '{text}' is not a finite number");
        return value;
    }

    public CommonClass Class(string column)
    {
        var text = Text(column);
        foreach (var c in CommonClasses.All)
            if (c.Name() == text) return c;
        throw Error($"column '{column}': unknown class '{text}' (expected one of {string.Join(", ", CommonClasses.All.Select(c => c.Name()))})");
    }

    /// <summary>Reads x1, y1, x2, y2 and checks that the box is not inverted.</summary>
    public BoundingBox Box(CommonClass c, bool allowEmpty)
    {
        var box = new BoundingBox(c, Number("x1"), Number("y1"), Number("x2"), Number("y2"));
        if (box.Width < 0 || box.Height < 0 || (!allowEmpty && (box.Width == 0 || box.Height == 0)))
            throw Error($"box ({box.X1}, {box.Y1}, {box.X2}, {box.Y2}) has x2 {(allowEmpty ? "<" : "≤")} x1 or y2 {(allowEmpty ? "<" : "≤")} y1");
        return box;
    }

    public InvalidDataException Error(string message) => new($"{Path}: line {Line}: {message}");

    /// <summary>Writes rows as CSV text atomically.</summary>
    public static void Write(string path, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, CsvWriterOptions.Default with { NewLine = "\n" }, leaveOpen: true))
        {
            csv.WriteRecord(header.ToArray());
            foreach (var row in rows) csv.WriteRecord(row.ToArray());
            csv.Flush();
        }
        Repro.Torch.IO.AtomicFile.WriteAllText(path, text.ToString());
    }

    /// <summary>Shortest text that reads back as the same float.</summary>
    public static string Format(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Format(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "";

    public void Dispose() => csv.Dispose();
}
