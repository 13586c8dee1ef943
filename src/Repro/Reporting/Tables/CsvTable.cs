using System.Globalization;
using CsvHelper;
using Repro.Torch.IO;

namespace Repro.Reporting.Tables;

/// <summary>CSV rows as read back: the header and the text of every cell, with the line each row came from.</summary>
internal sealed record CsvText(string Source, IReadOnlyList<string> Header, IReadOnlyList<CsvRow> Rows);

internal sealed record CsvRow(int Line, IReadOnlyList<string> Cells);

/// <summary>
/// Every CSV file the project writes or reads goes through here: CsvHelper, invariant culture, "\n" line ends and no
/// byte-order mark, so the same table gives the same bytes on every machine; strict reading, with errors that name
/// the file and the line.
/// </summary>
internal static class CsvTable
{
    // Stated explicitly rather than left to defaults: the bytes of a snapshot must not depend on them.
    private static readonly CsvWriterOptions WriterOptions = CsvWriterOptions.Default with
    {
        Separator = ',',
        NewLine = "\n",
        FormatProvider = CultureInfo.InvariantCulture,
        WriteByteOrderMark = false,
        Injection = CsvInjection.None,
    };

    // Strict reading: a malformed file is an error, never a silently different table.
    private static readonly CsvReaderOptions ReaderOptions = CsvReaderOptions.Default with
    {
        Separator = ',',
        HasHeader = true,
        MalformedData = CsvMalformedDataHandling.Throw,
        FieldCountMismatch = CsvFieldCountHandling.Throw,
        TrackLineNumbers = true,
    };

    public static string ToCsv(ResultTable table) =>
        ToCsv(table.Columns.Select(c => c.Name).ToArray(), table.Rows.Select(row => (IReadOnlyList<string>)row.Select(CellText.ForData).ToArray()));

    public static string ToCsv(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, WriterOptions, leaveOpen: true))
        {
            csv.WriteRecord(header.ToArray());
            foreach (var row in rows) csv.WriteRecord(row.ToArray());
        }
        return text.ToString();
    }

    public static void Write(string path, ResultTable table) => AtomicFile.WriteAllText(path, ToCsv(table));

    /// <summary>Rows of cells already turned into text (see <see cref="CellText.ForData"/>), written atomically.</summary>
    public static void Write(string path, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows) =>
        AtomicFile.WriteAllText(path, ToCsv(header, rows));

    public static CsvText ReadFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"CSV file not found: {path}", path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Reads CSV text; <paramref name="source"/> names it in errors (a path, or a snapshot name).</summary>
    public static CsvText Parse(string text, string source)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new InvalidDataException($"{source}: empty CSV, no header line.");
        using var cursor = new CsvCursor(source, CsvReader.FromText(text, ReaderOptions), []);
        var rows = new List<CsvRow>();
        while (cursor.Read()) rows.Add(new CsvRow((int)cursor.Line, cursor.Cells()));
        return new CsvText(source, cursor.Header, rows);
    }

    /// <summary>
    /// Opens a file to read row by row (for files too large to hold as text), checking that its header has every
    /// required column. Spaces around unquoted values are dropped: such files may be written by hand or by other tools.
    /// </summary>
    public static CsvCursor Open(string path, IReadOnlyList<string> requiredColumns)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"CSV file not found: {path}", path);
        return new CsvCursor(path, CsvReader.FromFile(path, ReaderOptions with { TrimWhitespace = true }), requiredColumns);
    }
}
