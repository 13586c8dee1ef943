using Repro.Data;

namespace Repro.Evaluation;

/// <summary>How detections are scored against ground truth.</summary>
/// <param name="IouThreshold">A detection matches a ground-truth box of its class and image at IoU ≥ this.</param>
/// <param name="Interpolation">How the precision–recall curve becomes AP (default: all points).</param>
public sealed record EvaluationOptions(double IouThreshold = 0.5, Interpolation Interpolation = Interpolation.AllPoints);

/// <summary>A detection names an image the ground truth does not list.</summary>
public sealed class UnknownImageException(int detectionIndex, string imageId)
    : ArgumentException($"detection {detectionIndex} (0-based, in input order) is on image '{imageId}', which the ground truth does not list")
{
    public int DetectionIndex { get; } = detectionIndex;
    public string ImageId { get; } = imageId;
}

/// <summary>
/// mAP as VOC and darknet compute it. Per class, detections are taken in order of decreasing score (ties in input
/// order); each is matched to the ground-truth box of its image and class with the highest IoU (first listed on
/// ties). At IoU ≥ the threshold and if that box is still unmatched, the detection is a true positive and the box
/// is used up; otherwise — too little overlap, or its best box already taken by a higher-scored detection — it is
/// a false positive (so duplicates of one object count once). AP per class follows
/// <see cref="AveragePrecision"/>; see <see cref="EvaluationResult"/> for classes without ground truth.
/// </summary>
public static class DetectionEvaluator
{
    public static EvaluationResult Evaluate(IReadOnlyList<Detection> detections, GroundTruth truth, EvaluationOptions? options = null)
    {
        options ??= new EvaluationOptions();
        if (!(options.IouThreshold > 0 && options.IouThreshold <= 1))
            throw new ArgumentOutOfRangeException(nameof(options), options.IouThreshold, "IoU threshold must be in (0, 1]");
        for (var i = 0; i < detections.Count; i++)
        {
            var d = detections[i];
            if (!truth.Contains(d.ImageId)) throw new UnknownImageException(i, d.ImageId);
            if (!float.IsFinite(d.Score)) throw new ArgumentException($"detection {i} on image '{d.ImageId}' has score {d.Score}");
        }

        var results = CommonClasses.All.Select(c => EvaluateClass(c, detections, truth, options)).ToList();
        var withTruth = results.Where(r => r.AveragePrecision.HasValue).Select(r => r.AveragePrecision!.Value).ToList();
        double? mean = withTruth.Count > 0 ? withTruth.Average() : null;
        return new EvaluationResult(results, mean, options.IouThreshold, options.Interpolation);
    }

    /// <summary>
    /// One class's detections ranked by score with whether each is a true positive, and the class's ground-truth
    /// count. Whether a detection matches depends only on the higher-ranked detections of its own image, so the flags
    /// stay valid for any multiset of the images (<see cref="ImageWeightedMap"/> relies on this).
    /// </summary>
    internal static (List<Detection> Ranked, bool[] TruePositive, int GroundTruthCount) MatchClass(CommonClass c, IReadOnlyList<Detection> detections,
        GroundTruth truth, EvaluationOptions options)
    {
        // Ground truth of this class per image, with a used-up flag per box.
        var boxes = new Dictionary<string, (List<BoundingBox> Boxes, bool[] Matched)>(StringComparer.Ordinal);
        var groundTruthCount = 0;
        foreach (var id in truth.ImageIds)
        {
            var ofClass = truth.BoxesOf(id).Where(b => b.Class == c).ToList();
            if (ofClass.Count == 0) continue;
            boxes[id] = (ofClass, new bool[ofClass.Count]);
            groundTruthCount += ofClass.Count;
        }

        // OrderByDescending is a stable sort: ties keep input order.
        var ranked = detections.Where(d => d.Box.Class == c).OrderByDescending(d => d.Score).ToList();
        var truePositive = new bool[ranked.Count];
        for (var i = 0; i < ranked.Count; i++)
        {
            if (!boxes.TryGetValue(ranked[i].ImageId, out var image)) continue;
            var (best, bestIou) = (-1, double.NegativeInfinity);
            for (var g = 0; g < image.Boxes.Count; g++)
            {
                var iou = BoxIou.Of(ranked[i].Box, image.Boxes[g]);
                if (iou > bestIou) (best, bestIou) = (g, iou);
            }
            if (bestIou >= options.IouThreshold && (!image.Matched[best] || Mutants.Mutants.Is(Mutants.Mutants.DoubleMatch)))
            {
                image.Matched[best] = true;
                truePositive[i] = true;
            }
        }
        return (ranked, truePositive, groundTruthCount);
    }

    private static ClassResult EvaluateClass(CommonClass c, IReadOnlyList<Detection> detections, GroundTruth truth, EvaluationOptions options)
    {
        var (ranked, truePositive, groundTruthCount) = MatchClass(c, detections, truth, options);
        var tp = truePositive.Count(t => t);
        double? ap = groundTruthCount == 0 ? null
            : AveragePrecision.Compute(ranked.Select(d => d.Score).ToList(), truePositive, groundTruthCount, options.Interpolation);
        double? precision = ranked.Count == 0 ? null : (double)tp / ranked.Count;
        double? recall = groundTruthCount == 0 ? null : (double)tp / groundTruthCount;
        return new ClassResult(c, groundTruthCount, ranked.Count, tp, ap, precision, recall);
    }
}
