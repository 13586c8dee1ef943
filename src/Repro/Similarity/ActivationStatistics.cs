using Repro.Torch;

namespace Repro.Similarity;

/// <summary>
/// Summary of the finite values of a set of activations (one layer, or all layers together); NaN and ±∞ are left
/// out and counted by <see cref="ActivationStatistics.NonFiniteCount"/>.
/// </summary>
/// <param name="Std">Population standard deviation (divides by the count, as NumPy's default).</param>
/// <param name="Median">Exact when it is 0, otherwise within <paramref name="MedianErrorBound"/> of the exact median.</param>
/// <param name="MedianErrorBound">Absolute bound on |Median − exact median|: at most |m| · 2⁻⁸ with m the larger
/// (in magnitude) of the two middle values (the median itself when the count is odd).</param>
public sealed record ActivationSummary(
    long Count, double Mean, double Std, double Min, double Max, double Median, double MedianErrorBound,
    double FractionZeros, double FractionNegatives);

/// <summary>
/// Streaming, bounded-memory statistics of activation values: count, mean and variance (per-chunk two-pass moments
/// combined with Chan et al.'s parallel formula, in float64), min, max, exact counts of zeros and negatives, and a
/// median from a histogram over float32 bit patterns.
/// <para>
/// The median: every finite nonzero value is binned by the top 16 bits of its float32 encoding (sign, exponent and
/// 7 mantissa bits — bfloat16 truncation), 65,536 bins of 8 bytes (512 KiB) whatever the number of values; exact
/// zeros are counted apart. Bins ordered by value give the bin holding each middle order statistic exactly; the
/// estimate is that bin's midpoint, so its error is at most half the bin's width, which for a normal float v is
/// |v| · 2⁻⁸ (0.39 %); for an even count the median averages the two middle values, so the bound is that of the
/// larger one. The bound actually reached is reported with the summary. Float64 activations are rounded to
/// float32 for the histogram only (adding at most |v| · 2⁻²⁴).
/// </para>
/// </summary>
public sealed class ActivationStatistics
{
    private const int Bins = 1 << 16;
    private readonly long[] histogram = new long[Bins];
    private long count, zeros, negatives, nonFinite;
    private double mean, m2;
    private double min = double.PositiveInfinity, max = double.NegativeInfinity;

    /// <summary>Bytes of memory one accumulator holds, whatever it has seen.</summary>
    public const long FootprintBytes = Bins * sizeof(long) + 128;

    /// <summary>Adds every element of a tensor (any float dtype, any device).</summary>
    public void Add(Tensor values)
    {
        using var scope = torch.NewDisposeScope();
        var host = values.to(ScalarType.Float32, Device.CPU).contiguous();
        Add(host.AsSpan<float>());
    }

    public void Add(ReadOnlySpan<float> values)
    {
        // First pass: everything but the second moment; second pass: squared deviations from this chunk's mean.
        long n = 0, chunkZeros = 0, chunkNegatives = 0, chunkNonFinite = 0;
        double sum = 0, chunkMin = double.PositiveInfinity, chunkMax = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (!float.IsFinite(v))
            {
                chunkNonFinite++;
                continue;
            }
            n++;
            sum += v;
            if (v < chunkMin) chunkMin = v;
            if (v > chunkMax) chunkMax = v;
            if (v == 0)
            {
                chunkZeros++;
                continue;
            }
            if (v < 0) chunkNegatives++;
            histogram[(int)(BitConverter.SingleToUInt32Bits(v) >> 16)]++;
        }
        nonFinite += chunkNonFinite;
        if (n == 0) return;
        var chunkMean = sum / n;
        double chunkM2 = 0;
        foreach (var v in values)
            if (float.IsFinite(v))
            {
                var d = v - chunkMean;
                chunkM2 += d * d;
            }
        Combine(n, chunkMean, chunkM2, chunkMin, chunkMax, chunkZeros, chunkNegatives);
    }

    /// <summary>
    /// Adds everything another accumulator has seen (for statistics over all layers), <paramref name="times"/> over
    /// (an image drawn that often into a bootstrap resample): k copies have k times the count, zeros, negatives and
    /// squared deviations, the same mean, min and max.
    /// </summary>
    public void Merge(ActivationStatistics other, int times = 1)
    {
        if (times < 1) throw new ArgumentOutOfRangeException(nameof(times), times, "merged at least once");
        for (var i = 0; i < Bins; i++) histogram[i] += times * other.histogram[i];
        nonFinite += times * other.nonFinite;
        if (other.count > 0) Combine(times * other.count, other.mean, times * other.m2, other.min, other.max, times * other.zeros, times * other.negatives);
    }

    /// <summary>
    /// The summary of every resample of a set of images, from one accumulator per image: resample r merges image i as
    /// often as <paramref name="draws"/>[r] names it (the draws of <see cref="CkaBootstrap"/>, so the statistics of
    /// replicate r are over the same images as its CKA).
    /// </summary>
    public static IReadOnlyList<ActivationSummary> Resampled(IReadOnlyList<ActivationStatistics> perImage, IReadOnlyList<long[]> draws) =>
        draws.Select(draw =>
        {
            var resample = new ActivationStatistics();
            foreach (var group in draw.GroupBy(i => i).OrderBy(g => g.Key))
                resample.Merge(perImage[(int)group.Key], group.Count());
            return resample.Summary();
        }).ToList();

    private void Combine(long n, double chunkMean, double chunkM2, double chunkMin, double chunkMax, long chunkZeros, long chunkNegatives)
    {
        var total = count + n;
        var delta = chunkMean - mean;
        mean += delta * n / total;
        m2 += chunkM2 + delta * delta * ((double)count * n / total);
        count = total;
        min = Math.Min(min, chunkMin);
        max = Math.Max(max, chunkMax);
        zeros += chunkZeros;
        negatives += chunkNegatives;
    }

    /// <summary>NaN and ±∞ values seen; they are left out of the summary.</summary>
    public long NonFiniteCount => nonFinite;

    public ActivationSummary Summary()
    {
        if (count == 0) return new ActivationSummary(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        var (lower, lowerBound) = OrderStatistic((count - 1) / 2);
        var (upper, upperBound) = OrderStatistic(count / 2);
        var median = Math.Clamp((lower + upper) / 2, min, max);
        return new ActivationSummary(count, mean, Math.Sqrt(m2 / count), min, max, median, Math.Max(lowerBound, upperBound),
            (double)zeros / count, (double)negatives / count);
    }

    /// <summary>The value of rank k (0-based, ascending), as a bin midpoint, with half the bin width as error bound.</summary>
    private (double Value, double ErrorBound) OrderStatistic(long k)
    {
        long seen = 0;
        // Negative values: larger bit patterns are larger magnitudes, so the most negative bin is 0xFFFF.
        for (var bin = Bins - 1; bin >= Bins / 2; bin--)
        {
            seen += histogram[bin];
            if (seen > k) return BinMidpoint(bin);
        }
        seen += zeros;
        if (seen > k) return (0.0, 0.0);
        for (var bin = 0; bin < Bins / 2; bin++)
        {
            seen += histogram[bin];
            if (seen > k) return BinMidpoint(bin);
        }
        throw new InvalidOperationException("histogram holds fewer values than the count (internal error)");
    }

    private static (double Value, double ErrorBound) BinMidpoint(int bin)
    {
        double first = BitConverter.UInt32BitsToSingle((uint)bin << 16);
        double last = BitConverter.UInt32BitsToSingle(((uint)bin << 16) | 0xFFFF);
        return ((first + last) / 2, Math.Abs(last - first) / 2);
    }
}
