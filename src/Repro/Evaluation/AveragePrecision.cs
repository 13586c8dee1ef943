namespace Repro.Evaluation;

/// <summary>
/// AP of one class from its detections, already matched and ranked by score (highest first).
/// Detections with equal scores form one operating point of the precision–recall curve: a threshold cannot
/// separate them, so the curve (and AP) does not depend on the order in which tied detections are listed.
/// </summary>
internal static class AveragePrecision
{
    /// <param name="scores">Scores in non-increasing order.</param>
    /// <param name="truePositive">Whether each ranked detection matched a ground-truth box.</param>
    /// <param name="groundTruthCount">Number of ground-truth boxes of the class (&gt; 0).</param>
    public static double Compute(IReadOnlyList<float> scores, IReadOnlyList<bool> truePositive, int groundTruthCount,
        Interpolation interpolation)
    {
        if (groundTruthCount <= 0) throw new ArgumentOutOfRangeException(nameof(groundTruthCount), groundTruthCount, "AP needs ground truth");
        if (scores.Count != truePositive.Count) throw new ArgumentException("one match flag per score");
        var (recall, precision) = Curve(scores, truePositive, null, groundTruthCount);
        return FromCurve(recall, precision, interpolation);
    }

    /// <summary>
    /// AP when the detections' images are drawn <paramref name="imageWeights"/>[image] times each (a bootstrap resample
    /// of the images) and the class has <paramref name="groundTruth"/> boxes in the resample: the same AP as the
    /// expanded list, since copies of a detection tie in score and so form one operating point.
    /// </summary>
    public static double Weighted(float[] scores, bool[] truePositive, int[] image, double[] imageWeights, double groundTruth,
        Interpolation interpolation)
    {
        if (groundTruth <= 0) throw new ArgumentOutOfRangeException(nameof(groundTruth), groundTruth, "AP needs ground truth");
        var weights = new double[scores.Length];
        for (var i = 0; i < weights.Length; i++) weights[i] = imageWeights[image[i]];
        var (recall, precision) = Curve(scores, truePositive, weights, groundTruth);
        return FromCurve(recall, precision, interpolation);
    }

    private static double FromCurve(List<double> recall, List<double> precision, Interpolation interpolation) =>
        interpolation switch
        {
            Interpolation.AllPoints => AllPoints(recall, precision),
            Interpolation.ElevenPoint => Sampled(recall, precision, 10),
            Interpolation.HundredOnePoint => Sampled(recall, precision, 100),
            _ => throw new ArgumentOutOfRangeException(nameof(interpolation), interpolation, null),
        };

    /// <summary>Recall and precision at the end of every run of equal scores (detections weighted, 1 each by default;
    /// a run of weight 0 so far is no operating point).</summary>
    internal static (List<double> Recall, List<double> Precision) Curve(IReadOnlyList<float> scores, IReadOnlyList<bool> truePositive,
        IReadOnlyList<double>? weights, double groundTruthCount)
    {
        var recall = new List<double>(scores.Count);
        var precision = new List<double>(scores.Count);
        double tp = 0, count = 0;
        for (var i = 0; i < scores.Count; i++)
        {
            if (i > 0 && scores[i] > scores[i - 1]) throw new ArgumentException($"scores are not ranked: {scores[i]} after {scores[i - 1]}");
            var weight = weights?[i] ?? 1;
            count += weight;
            if (truePositive[i]) tp += weight;
            var endOfRun = i == scores.Count - 1 || scores[i + 1] != scores[i];
            if (!endOfRun || count == 0) continue;
            recall.Add(tp / groundTruthCount);
            precision.Add(tp / count);
        }
        return (recall, precision);
    }

    /// <summary>Σ (r_k − r_{k−1}) · max_{j ≥ k} p_j, starting from recall 0.</summary>
    private static double AllPoints(List<double> recall, List<double> precision)
    {
        var envelope = Envelope(precision);
        double ap = 0, previousRecall = 0;
        for (var k = 0; k < recall.Count; k++)
        {
            ap += (recall[k] - previousRecall) * envelope[k];
            previousRecall = recall[k];
        }
        return ap;
    }

    /// <summary>Mean over t = 0, 1/steps, …, 1 of the best precision at any recall ≥ t (0 where none reaches t).</summary>
    private static double Sampled(List<double> recall, List<double> precision, int steps)
    {
        var envelope = Envelope(precision);
        double sum = 0;
        var k = 0;
        for (var i = 0; i <= steps; i++)
        {
            // t = i/steps and r = tp/n are both correctly rounded quotients, so equal fractions compare equal.
            var t = (double)i / steps;
            while (k < recall.Count && recall[k] < t) k++;
            if (k < recall.Count) sum += envelope[k];
        }
        return sum / (steps + 1);
    }

    private static double[] Envelope(List<double> precision)
    {
        var envelope = precision.ToArray();
        for (var k = envelope.Length - 2; k >= 0; k--) envelope[k] = Math.Max(envelope[k], envelope[k + 1]);
        return envelope;
    }
}
