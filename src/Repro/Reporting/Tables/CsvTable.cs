using System.Globalization;
using CsvHelper;
using Repro.Torch.IO;

namespace Repro.Reporting.Tables;

/// <summary>CSV rows as read back: the header and the text of every cell, with the line each row came from.</summary>
internal sealed record CsvText(string Source, IReadOnlyList<string> Header, IReadOnlyList<CsvRow> Rows);

internal sealed record CsvRow(int Line, IReadOnlyList<string> Cells);

/// <summary>
/// CSV through CsvHelper, invariant culture, "\n" line ends and no byte-order mark, so the same table gives the
/// same bytes on every machine.
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

    // Strict reading: a malformed verified or received file is an error, never a silently different table.
    private static readonly CsvReaderOptions ReaderOptions = CsvReaderOptions.Default with
    {
        Separator = ',',
        HasHeader = true,
        MalformedData = CsvMalformedDataHandling.Throw,
        FieldCountMismatch = CsvFieldCountHandling.Throw,
        TrackLineNumbers = true,
    };

    public static string ToCsv(ResultTable table)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, WriterOptions, leaveOpen: true))
        {
            csv.WriteRecord(table.Columns.Select(c => c.Name).ToArray());
            foreach (var row in table.Rows) csv.WriteRecord(row.Select(CellText.ForData).ToArray());
        }
        return text.ToString();
    }

    public static void Write(string path, ResultTable table) => AtomicFile.WriteAllText(path, ToCsv(table));

    public static CsvText ReadFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"CSV file not found: {path}", path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Reads CSV text; <paramref name="source"/> names it in errors (a path, or a snapshot name).</summary>
    public static CsvText Parse(string text, string source)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new InvalidDataException($"{source}: empty CSV, no header line.");
        using var csv = CsvReader.FromText(text, ReaderOptions);
        try
        {
            var header = csv.Headers.ToArray();
            var duplicate = header.GroupBy(h => h, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null) throw new InvalidDataException($"{source}, line 1: column '{duplicate.Key}' appears twice in the header.");
            var rows = new List<CsvRow>();
            while (csv.Read())
            {
                var cells = new string[csv.FieldCount];
                for (var i = 0; i < cells.Length; i++) cells[i] = csv.GetString(i);
                rows.Add(new CsvRow((int)csv.LineNumber, cells));
            }
            return new CsvText(source, header, rows);
        }
        catch (CsvFormatException e)
        {
            var where = e.LineNumber > 0 ? $", line {e.LineNumber}" : "";
            throw new InvalidDataException($"{source}{where}: malformed CSV ({e.Message})", e);
        }
    }
}
