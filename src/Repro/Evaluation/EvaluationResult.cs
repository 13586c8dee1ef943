using Repro.Data;

namespace Repro.Evaluation;

/// <summary>
/// The score of one class. <see cref="AveragePrecision"/> and <see cref="Recall"/> are null when the class has no
/// ground truth (undefined: nothing to find); <see cref="Precision"/> is null when it has no detections.
/// Precision and recall are those of all detections given (the end of the ranked list).
/// </summary>
public sealed record ClassResult(CommonClass Class, int GroundTruthCount, int DetectionCount, int TruePositives,
    double? AveragePrecision, double? Precision, double? Recall);

/// <summary>
/// Per-class results and their mean. The mean runs over classes with ground truth only (as VOC and COCO do): a
/// class absent from the set says nothing about the detector. A class with ground truth but no detections has
/// AP 0 and counts. <see cref="MeanAveragePrecision"/> is null when no class has ground truth.
/// </summary>
public sealed record EvaluationResult(IReadOnlyList<ClassResult> Classes, double? MeanAveragePrecision,
    double IouThreshold, Interpolation Interpolation)
{
    public ClassResult this[CommonClass c] => Classes.Single(r => r.Class == c);
}
