using Repro.Data;

namespace Repro.Evaluation;

/// <summary>
/// mAP of an evaluation set and of any reweighting of its images, for a bootstrap over test images. Matching is
/// done once (a detection's match depends only on its own image's higher-scored detections, so it is the same in
/// every resample); a resample that draws image i wᵢ times is then the detections weighted by wᵢ and the ground
/// truth counted wᵢ times, one pass over the ranked list per class. Equal to <see cref="DetectionEvaluator"/> on the
/// expanded resample (tested), including which classes have ground truth and so count in the mean.
/// </summary>
public sealed class ImageWeightedMap
{
    private readonly Interpolation interpolation;
    private readonly List<Ranked> classes;

    private sealed record Ranked(float[] Scores, bool[] TruePositive, int[] Image, int[] GroundTruthPerImage);

    public ImageWeightedMap(IReadOnlyList<Detection> detections, GroundTruth truth, EvaluationOptions? options = null)
    {
        options ??= new EvaluationOptions();
        interpolation = options.Interpolation;
        ImageIds = truth.ImageIds.ToList();
        var index = ImageIds.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i, StringComparer.Ordinal);
        DetectionEvaluator.Evaluate(detections, truth, options); // the same input checks, errors named the same way
        classes = CommonClasses.All.Select(c =>
        {
            var (ranked, truePositive, _) = DetectionEvaluator.MatchClass(c, detections, truth, options);
            var perImage = ImageIds.Select(id => truth.BoxesOf(id).Count(b => b.Class == c)).ToArray();
            return new Ranked(ranked.Select(d => d.Score).ToArray(), truePositive, ranked.Select(d => index[d.ImageId]).ToArray(), perImage);
        }).ToList();
    }

    /// <summary>The images, in the order <see cref="Map"/> takes their weights.</summary>
    public IReadOnlyList<string> ImageIds { get; }

    /// <summary>mAP with image i counted <paramref name="weights"/>[i] times; null when no class has ground truth.</summary>
    public double? Map(IReadOnlyList<double> weights)
    {
        if (weights.Count != ImageIds.Count) throw new ArgumentException($"{weights.Count} weights for {ImageIds.Count} images");
        var aps = new List<double>();
        foreach (var c in classes)
        {
            var groundTruth = c.GroundTruthPerImage.Select((g, i) => g * weights[i]).Sum();
            if (groundTruth <= 0) continue;
            aps.Add(AveragePrecision.Weighted(c.Scores, c.TruePositive, c.Image.Select(i => weights[i]).ToArray(), groundTruth, interpolation));
        }
        return aps.Count == 0 ? null : aps.Average();
    }
}
