using System.Globalization;
using CsvHelper;

namespace Repro.Reporting.Tables;

/// <summary>
/// A CSV file read one row at a time (from <see cref="CsvTable"/>): cells by column name, and errors that name the
/// source and the line. The header is checked on opening: not empty, no column twice, every required column there.
/// </summary>
internal sealed class CsvCursor : IDisposable
{
    private readonly CsvReader csv;

    internal CsvCursor(string source, CsvReader csv, IReadOnlyList<string> requiredColumns)
    {
        (Source, this.csv) = (source, csv);
        try
        {
            Header = Guarded(() => csv.Headers.ToArray());
            var expected = requiredColumns.Count == 0 ? "" : $" (expected {string.Join(",", requiredColumns)})";
            if (Header.Count == 0) throw new InvalidDataException($"{source}: empty CSV, no header line{expected}.");
            var duplicate = Header.GroupBy(h => h, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null) throw new InvalidDataException($"{source}, line 1: column '{duplicate.Key}' appears twice in the header.");
            var missing = requiredColumns.Where(c => !Header.Contains(c)).ToList();
            if (missing.Count > 0) throw new InvalidDataException($"{source}: the header lacks column(s) {string.Join(", ", missing)}{expected}.");
        }
        catch
        {
            csv.Dispose();
            throw;
        }
    }

    /// <summary>The file's path, or what else names the text in messages.</summary>
    public string Source { get; }

    public IReadOnlyList<string> Header { get; }

    /// <summary>Moves to the next row; false at the end.</summary>
    public bool Read() => Guarded(csv.Read);

    /// <summary>The line of the current row (1 is the header).</summary>
    public long Line => csv.LineNumber;

    public string Text(string column) => csv.GetString(column);

    /// <summary>Every cell of the current row, in header order.</summary>
    public string[] Cells()
    {
        var cells = new string[csv.FieldCount];
        for (var i = 0; i < cells.Length; i++) cells[i] = csv.GetString(i);
        return cells;
    }

    public float Number(string column)
    {
        var text = Text(column);
        if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !float.IsFinite(value))
            throw Error($"column '{column}': '{text}' is not a finite number");
        return value;
    }

    /// <summary>An error about the current row.</summary>
    public InvalidDataException Error(string message) => new($"{Source}: line {Line}: {message}");

    private T Guarded<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (CsvFormatException e)
        {
            var where = e.LineNumber > 0 ? $", line {e.LineNumber}" : "";
            throw new InvalidDataException($"{Source}{where}: malformed CSV ({e.Message})", e);
        }
    }

    public void Dispose() => csv.Dispose();
}
