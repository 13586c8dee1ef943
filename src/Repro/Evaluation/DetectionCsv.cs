using Repro.Data;
using Repro.Reporting.Tables;

namespace Repro.Evaluation;

/// <summary>
/// Detections as CSV, one per row: <c>image_id,class,score,x1,y1,x2,y2</c> (class by name: car, person, cycle,
/// truck, bus; box in pixels). Scores and coordinates are written so they read back bit-exactly, so re-scoring a
/// file gives the same numbers as scoring in memory.
/// </summary>
public static class DetectionCsv
{
    internal static readonly string[] Header = ["image_id", "class", "score", "x1", "y1", "x2", "y2"];

    public static void Write(string path, IEnumerable<Detection> detections) =>
        CsvTable.Write(path, Header, detections.Select(d => (IReadOnlyList<string>)
        [
            d.ImageId, d.Box.Class.Name(), CellText.ForData(d.Score),
            CellText.ForData(d.Box.X1), CellText.ForData(d.Box.Y1), CellText.ForData(d.Box.X2), CellText.ForData(d.Box.Y2),
        ]));

    /// <summary>Every detection, in file order.</summary>
    public static List<Detection> Read(string path) => Read(path, out _);

    /// <summary>Every detection, in file order, and the line each came from (for messages about detection i).</summary>
    public static List<Detection> Read(string path, out List<long> lines)
    {
        using var table = CsvTable.Open(path, Header);
        var result = new List<Detection>();
        lines = [];
        while (table.Read())
        {
            var id = table.Text("image_id");
            if (id.Length == 0) throw table.Error("empty image_id");
            var c = table.Class("class");
            var score = table.Number("score");
            result.Add(new Detection(id, table.Box(c, allowEmpty: true), score));
            lines.Add(table.Line);
        }
        return result;
    }
}
