using Repro.Data;
using Repro.Reporting.Tables;

namespace Repro.Evaluation;

/// <summary>
/// Ground truth as CSV, one box per row: <c>image_id,class,x1,y1,x2,y2</c>. An image without objects is one row
/// with its id and the other fields empty, so the file lists every image of the set (see <see cref="GroundTruth"/>).
/// </summary>
public static class GroundTruthCsv
{
    internal static readonly string[] Header = ["image_id", "class", "x1", "y1", "x2", "y2"];

    public static void Write(string path, GroundTruth truth) =>
        CsvTable.Write(path, Header, truth.ImageIds.SelectMany(id =>
        {
            var boxes = truth.BoxesOf(id);
            return boxes.Count == 0
                ? [(IReadOnlyList<string>)[id, "", "", "", "", ""]]
                : boxes.Select(b => (IReadOnlyList<string>)
                [
                    id, b.Class.Name(), CellText.ForData(b.X1), CellText.ForData(b.Y1), CellText.ForData(b.X2), CellText.ForData(b.Y2),
                ]);
        }));

    public static GroundTruth Read(string path)
    {
        using var table = CsvTable.Open(path, Header);
        var truth = new GroundTruth();
        while (table.Read())
        {
            var id = table.Text("image_id");
            if (id.Length == 0) throw table.Error("empty image_id");
            if (table.Text("class").Length == 0)
            {
                if (Header.Skip(2).Any(c => table.Text(c).Length > 0))
                    throw table.Error("a row without class must leave x1, y1, x2, y2 empty (it lists an image without objects)");
                truth.Add(id);
                continue;
            }
            var c = table.Class("class");
            truth.Add(id, table.Box(c, allowEmpty: false));
        }
        return truth;
    }
}
