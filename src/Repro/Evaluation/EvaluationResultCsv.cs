using System.Globalization;
using Repro.Data;
using Repro.Reporting.Tables;

namespace Repro.Evaluation;

/// <summary>
/// An evaluation as CSV: one row per class, then a row <c>mean</c> holding mAP. Columns:
/// <c>class,ground_truth,detections,true_positives,ap,precision,recall,iou_threshold,interpolation</c>; undefined
/// values (AP of a class without ground truth, …) are empty.
/// </summary>
public static class EvaluationResultCsv
{
    public const string MeanRow = "mean";

    private static readonly string[] Header =
        ["class", "ground_truth", "detections", "true_positives", "ap", "precision", "recall", "iou_threshold", "interpolation"];

    public static void Write(string path, EvaluationResult result)
    {
        var iou = CellText.ForData(result.IouThreshold);
        var interpolation = result.Interpolation.Name();
        var rows = result.Classes.Select(r => (IReadOnlyList<string>)
        [
            r.Class.Name(), Count(r.GroundTruthCount), Count(r.DetectionCount), Count(r.TruePositives),
            CellText.ForData(r.AveragePrecision), CellText.ForData(r.Precision), CellText.ForData(r.Recall), iou, interpolation,
        ]).Append(
        [
            MeanRow, Count(result.Classes.Sum(r => r.GroundTruthCount)), Count(result.Classes.Sum(r => r.DetectionCount)),
            Count(result.Classes.Sum(r => r.TruePositives)), CellText.ForData(result.MeanAveragePrecision), "", "", iou, interpolation,
        ]);
        CsvTable.Write(path, Header, rows);
    }

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);
}
