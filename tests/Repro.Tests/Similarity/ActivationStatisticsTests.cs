using Repro.Similarity;

namespace Repro.Tests.Similarity;

public class ActivationStatisticsTests
{
    /// <summary>Compares a streaming summary with statistics computed directly (two-pass, full sort) in float64.</summary>
    internal static void AssertMatchesExact(ActivationSummary summary, double[] values, string what)
    {
        var n = values.Length;
        var mean = values.Average();
        var std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / n);
        var sorted = values.Order().ToArray();
        var (lowerMiddle, upperMiddle) = (sorted[(n - 1) / 2], sorted[n / 2]);
        var median = (lowerMiddle + upperMiddle) / 2;
        Assert.Multiple(() =>
        {
            Assert.That(summary.Count, Is.EqualTo(n), what);
            Assert.That(summary.Mean, Is.EqualTo(mean).Within(1e-12 * (1 + Math.Abs(mean))), what);
            Assert.That(summary.Std, Is.EqualTo(std).Within(1e-10 * (1 + std)), what);
            Assert.That(summary.Min, Is.EqualTo(sorted[0]), what);
            Assert.That(summary.Max, Is.EqualTo(sorted[^1]), what);
            Assert.That(summary.FractionZeros, Is.EqualTo(values.Count(v => v == 0) / (double)n), what);
            Assert.That(summary.FractionNegatives, Is.EqualTo(values.Count(v => v < 0) / (double)n), what);
            Assert.That(Math.Abs(summary.Median - median), Is.LessThanOrEqualTo(summary.MedianErrorBound), what);
            Assert.That(summary.MedianErrorBound, Is.LessThanOrEqualTo(Math.Max(Math.Abs(lowerMiddle), Math.Abs(upperMiddle)) * Math.Pow(2, -8) + 1e-30), what);
        });
    }

    [Test]
    public void ChunkedStreamingMatchesExactStatistics([Values(1, 2, 1001)] int count)
    {
        var random = new Random(count);
        var values = SimilarityFixtures.Normals(random, count).Select(v => (float)(v * 3 + 1.5)).ToArray();
        for (var i = 0; i < count; i += 7) values[i] = 0; // exact zeros, as ReLU-like layers have
        var statistics = new ActivationStatistics();
        for (var start = 0; start < count; start += 100) statistics.Add(values.AsSpan(start, Math.Min(100, count - start)));
        AssertMatchesExact(statistics.Summary(), values.Select(v => (double)v).ToArray(), $"{count} values");
    }

    [Test]
    public void AZeroMedianIsExact()
    {
        var statistics = new ActivationStatistics();
        statistics.Add([-2f, 0f, 0f, 0f, 5f]);
        var summary = statistics.Summary();
        Assert.That(summary.Median, Is.EqualTo(0.0));
        Assert.That(summary.MedianErrorBound, Is.EqualTo(0.0));
        Assert.That(summary.FractionZeros, Is.EqualTo(0.6).Within(1e-15));
        Assert.That(summary.FractionNegatives, Is.EqualTo(0.2).Within(1e-15));
    }

    [Test]
    public void MergingEqualsSeeingEverythingInOneAccumulator()
    {
        var a = SimilarityFixtures.Normals(new Random(1), 500).Select(v => (float)v).ToArray();
        var b = SimilarityFixtures.Normals(new Random(2), 300).Select(v => (float)(10 * v - 4)).ToArray();
        var first = new ActivationStatistics();
        first.Add(a);
        var second = new ActivationStatistics();
        second.Add(b);
        first.Merge(second);
        AssertMatchesExact(first.Summary(), a.Concat(b).Select(v => (double)v).ToArray(), "merged");
    }

    [Test]
    public void NonFiniteValuesAreCountedAndLeftOut()
    {
        var statistics = new ActivationStatistics();
        statistics.Add([1f, float.NaN, 3f, float.PositiveInfinity]);
        var summary = statistics.Summary();
        Assert.That(statistics.NonFiniteCount, Is.EqualTo(2));
        Assert.That(summary.Count, Is.EqualTo(2));
        Assert.That(summary.Mean, Is.EqualTo(2.0));
    }
}
