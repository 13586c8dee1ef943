using Repro.Data;
using Repro.Reporting.Tables;

namespace Repro.Evaluation;

/// <summary>The class and box columns that ground-truth and detection files share (class by name, box in pixels).</summary>
internal static class BoxColumns
{
    public static CommonClass Class(this CsvCursor row, string column)
    {
        var text = row.Text(column);
        foreach (var c in CommonClasses.All)
            if (c.Name() == text) return c;
        throw row.Error($"column '{column}': unknown class '{text}' (expected one of {string.Join(", ", CommonClasses.All.Select(c => c.Name()))})");
    }

    /// <summary>Reads x1, y1, x2, y2 and checks that the box is not inverted.</summary>
    public static BoundingBox Box(this CsvCursor row, CommonClass c, bool allowEmpty)
    {
        var box = new BoundingBox(c, row.Number("x1"), row.Number("y1"), row.Number("x2"), row.Number("y2"));
        if (box.Width < 0 || box.Height < 0 || (!allowEmpty && (box.Width == 0 || box.Height == 0)))
            throw row.Error($"box ({box.X1}, {box.Y1}, {box.X2}, {box.Y2}) has x2 {(allowEmpty ? "<" : "≤")} x1 or y2 {(allowEmpty ? "<" : "≤")} y1");
        return box;
    }
}
