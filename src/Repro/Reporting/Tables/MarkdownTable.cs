using System.Text;
using Repro.Torch.IO;

namespace Repro.Reporting.Tables;

/// <summary>
/// GitHub pipe tables. Cells are not padded to a common width: a changed value then changes one line of a diff,
/// not every line of its column. Numeric columns are right-aligned.
/// </summary>
internal static class MarkdownTable
{
    public static string Render(ResultTable table)
    {
        var sb = new StringBuilder();
        AppendRow(sb, table.Columns.Select(c => c.Name));
        AppendRow(sb, table.Columns.Select((_, i) => IsNumericColumn(table, i) ? "---:" : "---"));
        foreach (var row in table.Rows)
            AppendRow(sb, row.Select((cell, i) => CellText.ForDisplay(cell, table.Columns[i].Format)));
        return sb.ToString();
    }

    public static void Write(string path, ResultTable table) => AtomicFile.WriteAllText(path, Render(table));

    /// <summary>A table from cells that are already text (e.g. a snapshot difference report).</summary>
    public static string Render(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, IReadOnlySet<int>? rightAligned = null)
    {
        var sb = new StringBuilder();
        AppendRow(sb, header);
        AppendRow(sb, header.Select((_, i) => rightAligned?.Contains(i) == true ? "---:" : "---"));
        foreach (var row in rows)
        {
            if (row.Count != header.Count) throw new ArgumentException($"A row has {row.Count} cells for {header.Count} columns.", nameof(rows));
            AppendRow(sb, row);
        }
        return sb.ToString();
    }

    private static bool IsNumericColumn(ResultTable table, int column)
    {
        var any = false;
        foreach (var row in table.Rows)
        {
            if (row[column] is null) continue;
            if (!CellText.IsNumber(row[column])) return false;
            any = true;
        }
        return any;
    }

    private static void AppendRow(StringBuilder sb, IEnumerable<string> cells)
    {
        sb.Append('|');
        foreach (var cell in cells) sb.Append(' ').Append(Escape(cell)).Append(" |");
        sb.Append('\n');
    }

    // A pipe would end the cell and a line break would end the table.
    private static string Escape(string cell) =>
        cell.Replace("\\", "\\\\").Replace("|", "\\|").Replace("\r\n", "<br>").Replace("\n", "<br>").Replace("\r", "<br>");
}
