using Repro.Models;
using Repro.Torch;

namespace Repro.Similarity;

/// <summary>Bootstrap settings: replicate count, two-sided level of the percentile interval, seed of the resampling.</summary>
/// <param name="CorrectResamplingBias">Shift the replicates by the bootstrap bias estimate (their mean minus the point
/// estimate) before taking percentiles; false gives the plain percentile interval.</param>
public sealed record BootstrapOptions(int Replicates = 1000, double Level = 0.95, int Seed = 0, bool CorrectResamplingBias = true);

/// <summary>A point estimate with its bootstrap percentile interval.</summary>
public sealed record Estimate(double Value, double Lower, double Upper);

/// <summary>Per-layer CKA and range means, each with an interval.</summary>
public sealed record BootstrapResult(IReadOnlyList<(int Layer, Estimate Cka)> PerLayer, IReadOnlyList<(NamedLayerRange Range, Estimate Mean)> Means, BootstrapOptions Options);

/// <summary>
/// Bootstrap confidence intervals over images: each replicate draws n image indices with replacement (System.Random
/// seeded from the options, so a seed fixes every replicate), takes the rows and columns of every cached Gram at
/// those indices (both models with the same indices: a paired bootstrap), re-centers and recomputes per-layer CKA,
/// and the range means from those. Intervals are percentile intervals (linear interpolation between order
/// statistics). For the biased estimator no resampled Gram is built: the replicates are weighted sums over the cached
/// Grams (<see cref="BiasedReplicates"/>), a few (R × n²)·(n² × L) products per block of R replicates; the debiased
/// estimator gathers and U-centers the L × n × n stacks per replicate.
/// <para>
/// Resampling bias. A resample holds only about 63 % distinct images, and its repeated images act as extra
/// self-similarities, so CKA of a resample is systematically higher than CKA of the sample (the same small-n upward
/// bias the debiased estimator addresses, made larger). Plain percentile intervals then sit above the point estimate
/// and, with few images, can miss it. By default every replicate is therefore shifted by the bootstrap bias estimate
/// (mean of the replicates minus the point estimate) before the percentiles are taken: the interval keeps the
/// bootstrap's spread and is centred on the reported (paper-style) estimate. The plain percentile interval is one
/// option away.
/// </para>
/// </summary>
public static class CkaBootstrap
{
    public static BootstrapResult Run(GramSet a, GramSet b, BootstrapOptions? options = null, IReadOnlyList<NamedLayerRange>? ranges = null, bool debiased = false)
    {
        options ??= new BootstrapOptions();
        ranges ??= NamedLayerRange.YoloV3Parts;
        if (options.Replicates < 2) throw new ArgumentOutOfRangeException(nameof(options), options.Replicates, "at least 2 replicates");
        if (options.Level is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(options), options.Level, "level must be in (0, 1)");
        var point = CkaComparison.PerLayer(a, b, debiased);
        var layers = point.Select(p => p.Layer).ToList();
        var n = (int)a.Examples;
        var replicates = new double[options.Replicates][];
        using (var scope = torch.NewDisposeScope())
        {
            // Centered first: the expansion below then adds terms of the centered Grams' scale, not the raw ones'.
            var stackA = LinearCka.CenterGram(torch.stack(layers.Select(l => a[l]).ToList()));
            var stackB = LinearCka.CenterGram(torch.stack(layers.Select(l => b[l]).ToList()));
            var random = new Random(options.Seed);
            for (var first = 0; first < options.Replicates; first += ReplicatesPerBlock)
            {
                using var inner = torch.NewDisposeScope();
                var count = Math.Min(ReplicatesPerBlock, options.Replicates - first);
                var draws = new long[count][];
                for (var r = 0; r < count; r++)
                {
                    draws[r] = new long[n];
                    for (var i = 0; i < n; i++) draws[r][i] = random.Next(n);
                }
                if (debiased)
                {
                    for (var r = 0; r < count; r++)
                        replicates[first + r] = ReplicateCka(stackA, stackB, torch.tensor(draws[r]), debiased: true).ToArray<double>();
                }
                else
                {
                    var values = BiasedReplicates(stackA, stackB, Counts(draws, n)).ToArray<double>();
                    for (var r = 0; r < count; r++) replicates[first + r] = values.AsSpan(r * layers.Count, layers.Count).ToArray();
                }
            }
        }

        var perLayer = layers.Select((layer, i) =>
            (layer, Interval(point[i].Cka, replicates.Select(rep => rep[i]), options))).ToList();
        var pointMeans = CkaComparison.Means(point, ranges);
        var means = ranges.Select((range, k) =>
        {
            var members = layers.Select((l, i) => (l, i)).Where(x => range.Range.Contains(x.l)).Select(x => x.i).ToList();
            var samples = replicates.Select(rep => members.Count == 0 ? double.NaN : members.Average(i => rep[i]));
            return (range, Interval(pointMeans[k].Mean, samples, options));
        }).ToList();
        return new BootstrapResult(perLayer, means, options);
    }

    private const int ReplicatesPerBlock = 64;

    /// <summary>R × n multiplicities: how often each image was drawn in each replicate.</summary>
    private static Tensor Counts(long[][] draws, int n)
    {
        var counts = new double[draws.Length * n];
        for (var r = 0; r < draws.Length; r++)
            foreach (var i in draws[r]) counts[r * n + i]++;
        return torch.tensor(counts, draws.Length, n);
    }

    /// <summary>
    /// Biased CKA of R resamples at once (R × L), without building any resampled Gram. With w the multiplicities of a
    /// resample, its centered HSIC sum ⟨H·K_b·H, L_b⟩ equals wᵀ(K∘L)w − (2/n)·Σₖ wₖ(Kw)ₖ(Lw)ₖ + (wᵀKw)(wᵀLw)/n²,
    /// so all replicates reduce to matrix products with the stacked Grams (the same value as the gather path,
    /// <see cref="ReplicateCka"/>, to rounding).
    /// </summary>
    internal static Tensor BiasedReplicates(Tensor stackA, Tensor stackB, Tensor counts)
    {
        using var scope = torch.NewDisposeScope();
        var layers = stackA.size(0);
        var n = stackA.size(-1);
        var replicates = counts.size(0);
        var weights = counts.t(); // n × R
        var pairWeights = (counts.unsqueeze(2) * counts.unsqueeze(1)).reshape(replicates, n * n); // R × n²
        var aw = stackA.reshape(layers * n, n).matmul(weights).reshape(layers, n, replicates); // (Kw)ₖ per layer
        var bw = stackB.reshape(layers * n, n).matmul(weights).reshape(layers, n, replicates);
        var w = weights.unsqueeze(0);
        Tensor Hsic(Tensor k, Tensor l, Tensor kw, Tensor lw)
        {
            var quadratic = pairWeights.matmul((k * l).reshape(layers, n * n).t()).t(); // L × R
            var rowTerm = (w * kw * lw).sum(1);
            var totals = (w * kw).sum(1) * (w * lw).sum(1);
            return quadratic - rowTerm * (2.0 / n) + totals / ((double)n * n);
        }
        var cross = Hsic(stackA, stackB, aw, bw);
        var selfA = Hsic(stackA, stackA, aw, aw);
        var selfB = Hsic(stackB, stackB, bw, bw);
        return (cross / (selfA * selfB).sqrt()).t().contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Per-layer CKA of one resample: Gram rows and columns taken at <paramref name="index"/>, then re-centered.</summary>
    internal static Tensor ReplicateCka(Tensor stackA, Tensor stackB, Tensor index, bool debiased)
    {
        using var scope = torch.NewDisposeScope();
        Tensor Resample(Tensor stack)
        {
            var k = stack.index_select(1, index).index_select(2, index);
            return debiased ? LinearCka.UCenterGram(k) : LinearCka.CenterGram(k);
        }
        return LinearCka.FromCenteredGramStacks(Resample(stackA), Resample(stackB)).MoveToOuterDisposeScope();
    }

    private static Estimate Interval(double value, IEnumerable<double> samples, BootstrapOptions options)
    {
        var sorted = samples.Order().ToArray();
        var shift = options.CorrectResamplingBias ? sorted.Average() - value : 0.0;
        return new Estimate(value, Quantile(sorted, (1 - options.Level) / 2) - shift, Quantile(sorted, (1 + options.Level) / 2) - shift);
    }

    /// <summary>The q-quantile of sorted values, interpolating linearly between order statistics; NaN if any is NaN.</summary>
    internal static double Quantile(double[] sorted, double q)
    {
        if (sorted.Length == 0 || sorted.Any(double.IsNaN)) return double.NaN;
        var position = q * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
