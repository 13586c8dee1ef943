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

    [Test]
    public void AResampleIsTheSummaryOfTheDrawnImagesValuesWithTheirRepeats()
    {
        // Five "images" of 40 values with zeros, negatives and a wide range; a draw that repeats image 3 three times and
        // leaves images 0 and 2 out must summarise exactly the concatenation of the drawn images' values.
        var random = new Random(9);
        var images = Enumerable.Range(0, 5).Select(i => Enumerable.Range(0, 40)
            .Select(_ => random.Next(6) == 0 ? 0f : (float)((random.NextDouble() - 0.3) * Math.Pow(10, i - 2))).ToArray()).ToArray();
        var perImage = images.Select(values =>
        {
            var statistics = new ActivationStatistics();
            statistics.Add(values);
            return statistics;
        }).ToList();
        long[][] draws = [[3, 1, 3, 4, 3], [0, 1, 2, 3, 4]];
        var resampled = ActivationStatistics.Resampled(perImage, draws);
        for (var r = 0; r < draws.Length; r++)
            AssertMatchesExact(resampled[r], draws[r].SelectMany(i => images[i]).Select(v => (double)v).ToArray(), $"resample {r}");
    }

    [Test]
    public void MergingKTimesIsMergingKCopies()
    {
        var (one, other) = (new ActivationStatistics(), new ActivationStatistics());
        one.Add([1f, -2f, 0f, 7.5f]);
        other.Add([3f, 0f]);
        var (times, copies) = (new ActivationStatistics(), new ActivationStatistics());
        times.Merge(other);
        times.Merge(one, 3);
        copies.Merge(other);
        for (var k = 0; k < 3; k++) copies.Merge(one);
        var (a, b) = (times.Summary(), copies.Summary());
        Assert.That(a with { Mean = 0, Std = 0 }, Is.EqualTo(b with { Mean = 0, Std = 0 }));
        Assert.That(a.Mean, Is.EqualTo(b.Mean).Within(1e-14));
        Assert.That(a.Std, Is.EqualTo(b.Std).Within(1e-14));
        Assert.Throws<ArgumentOutOfRangeException>(() => times.Merge(one, 0));
    }
}
