using Repro.Data;

namespace Repro.Evaluation;

/// <summary>
/// mAP of an evaluation set and of any reweighting of its images, for a bootstrap over test images. Matching is
/// done once (a detection's match depends only on its own image's higher-scored detections, so it is the same in
/// every resample); a resample that draws image i wᵢ times is then the detections weighted by wᵢ and the ground
/// truth counted wᵢ times, one pass over the ranked list per class. Equal to <see cref="DetectionEvaluator"/> on the
/// expanded resample (tested), including which classes have ground truth and so count in the mean. Not thread-safe
/// (it reuses its buffers).
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
        var imageWeights = weights as double[] ?? weights.ToArray();
        var (sum, counted) = (0.0, 0);
        foreach (var c in classes)
        {
            var groundTruth = 0.0;
            for (var i = 0; i < imageWeights.Length; i++) groundTruth += c.GroundTruthPerImage[i] * imageWeights[i];
            if (groundTruth <= 0) continue;
            sum += interpolation == Interpolation.AllPoints
                ? AllPoints(c, imageWeights, groundTruth)
                : AveragePrecision.Weighted(c.Scores, c.TruePositive, c.Image, imageWeights, groundTruth, interpolation);
            counted++;
        }
        return counted == 0 ? null : sum / counted;
    }

    private double[] recallAt = [], precisionAt = [];

    /// <summary>
    /// <see cref="AveragePrecision"/>'s all-point AP of the weighted list without allocating (a bootstrap calls it
    /// thousands of times): recall and precision at the end of every run of equal scores into reused buffers, then
    /// Σ (r_k − r_{k−1}) · max_{j ≥ k} p_j in one backward pass.
    /// </summary>
    private double AllPoints(Ranked c, double[] imageWeights, double groundTruth)
    {
        if (recallAt.Length < c.Scores.Length) (recallAt, precisionAt) = (new double[c.Scores.Length], new double[c.Scores.Length]);
        var points = 0;
        double tp = 0, count = 0;
        for (var i = 0; i < c.Scores.Length; i++)
        {
            var weight = imageWeights[c.Image[i]];
            count += weight;
            if (c.TruePositive[i]) tp += weight;
            if ((i == c.Scores.Length - 1 || c.Scores[i + 1] != c.Scores[i]) && count > 0)
                (recallAt[points], precisionAt[points++]) = (tp / groundTruth, tp / count);
        }
        double ap = 0, envelope = 0;
        for (var k = points - 1; k >= 0; k--)
        {
            envelope = Math.Max(envelope, precisionAt[k]);
            ap += (recallAt[k] - (k > 0 ? recallAt[k - 1] : 0)) * envelope;
        }
        return ap;
    }
}
