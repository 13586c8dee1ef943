using Repro.Models;
using Repro.Statistics;
using Repro.Torch;

namespace Repro.Similarity;

/// <summary>Bootstrap settings: replicate count, two-sided level of the interval, seed of the resampling, how the
/// interval is read from the replicates.</summary>
public sealed record BootstrapOptions(int Replicates = 1000, double Level = 0.95, int Seed = 0, IntervalMethod Method = IntervalMethod.Centered);

/// <summary>
/// Per-layer CKA and range means, each with an interval, and the raw material behind them: per-layer CKA of every
/// replicate (<see cref="Replicates"/>, R rows in draw order) and of every leave-one-image-out sample
/// (<see cref="Jackknife"/>, n rows; only for BCa, else empty), both with one column per entry of <see cref="Layers"/>. Statistics of several
/// comparisons made with the same seed and image count are jointly resampled: replicate r drew the same images
/// for all of them.
/// </summary>
public sealed record BootstrapResult(
    IReadOnlyList<(int Layer, Estimate Cka)> PerLayer,
    IReadOnlyList<(NamedLayerRange Range, Estimate Mean)> Means,
    BootstrapOptions Options,
    IReadOnlyList<int> Layers,
    IReadOnlyList<double[]> Replicates,
    IReadOnlyList<double[]> Jackknife);

/// <summary>
/// Bootstrap confidence intervals over images: each replicate draws n image indices with replacement (System.Random
/// seeded from the options, so a seed fixes every replicate, and two runs with the same seed and n draw the same
/// images: a joint resample of everything compared on those images), takes the rows and columns of every cached
/// Gram at those indices (both models with the same indices: a paired bootstrap), re-centers and recomputes per-layer
/// CKA, and the range means from those. For the biased estimator no resampled Gram is built: the replicates are
/// weighted sums over the cached Grams (<see cref="BiasedReplicates"/>); the debiased estimator gathers and
/// U-centers the L × n × n stacks per replicate.
/// <para>
/// Resampling bias. A resample holds only about 63 % distinct images, and its repeated images act as extra
/// self-similarities, so CKA of a resample runs systematically higher than CKA of the sample (which in turn runs
/// higher than the population's: the small-n bias the debiased estimator addresses). The plain percentile interval
/// then sits above the estimate and, with few images, misses it. The default interval
/// (<see cref="IntervalMethod.Centered"/>) therefore moves the replicates by the bootstrap bias estimate (their mean
/// minus the point estimate) before taking percentiles; BCa and the plain percentile interval are options. The
/// choice rests on a coverage simulation against a known population CKA (BootstrapCoverageTests; numbers in
/// docs/similarity.md): the centred interval covered as often as BCa or more, the percentile interval less. Every
/// interval is kept within [0, 1].
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
        var draws = Draws(options, n);
        // Leave-one-out samples, image i dropped from sample i: only BCa's acceleration reads them.
        var leaveOneOut = options.Method == IntervalMethod.Bca
            ? Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n).Where(j => j != i).Select(j => (long)j).ToArray()).ToArray()
            : [];
        double[][] replicates, jackknife;
        using (var scope = torch.NewDisposeScope())
        {
            // Centered first: the expansion below then adds terms of the centered Grams' scale, not the raw ones'.
            var stackA = LinearCka.CenterGram(torch.stack(layers.Select(l => a[l]).ToList()));
            var stackB = LinearCka.CenterGram(torch.stack(layers.Select(l => b[l]).ToList()));
            replicates = Resampled(stackA, stackB, draws, n, debiased);
            jackknife = Resampled(stackA, stackB, leaveOneOut, n, debiased);
        }

        var perLayer = layers.Select((layer, i) =>
            (layer, BootstrapInterval.Of(point[i].Cka, Column(replicates, i), Column(jackknife, i), options.Level, options.Method, Floor(debiased), 1))).ToList();
        var pointMeans = CkaComparison.Means(point, ranges);
        var means = ranges.Select((range, k) =>
        {
            var members = layers.Select((l, i) => (l, i)).Where(x => range.Range.Contains(x.l)).Select(x => x.i).ToList();
            double MeanOf(double[] row) => members.Count == 0 ? double.NaN : members.Average(i => row[i]);
            return (range, BootstrapInterval.Of(pointMeans[k].Mean, replicates.Select(MeanOf).ToList(), jackknife.Select(MeanOf).ToList(),
                options.Level, options.Method, Floor(debiased), 1));
        }).ToList();
        return new BootstrapResult(perLayer, means, options, layers, replicates, jackknife);
    }

    /// <summary>
    /// The layer × layer map of every replicate, kept as its segment × segment tile means (R rows of
    /// segments.Count² values, row-major): replicate r resamples the same images as <see cref="Run"/>'s replicate r
    /// with the same options, so a map's replicates are drawn jointly with every per-layer comparison's. Each is the
    /// map of the resampled Grams (rows and columns taken at the drawn indices, then centred), as the per-layer
    /// replicates are. Both sets must hold every layer the segments cover.
    /// <para>
    /// A map entry is an inner product of two unit centred Grams, so a tile's sum is the inner product of the two
    /// segments' sums of unit Grams: segments² products per replicate instead of layers². For the biased estimator
    /// even the resampled Grams are never built: the unit Grams' norms and the segment inner products are weighted
    /// sums over the cached Grams, as in <see cref="BiasedReplicates"/> (at smoke, n = 200 and 500 replicates, the
    /// gather-and-centre path took about 40 s per map on one thread).
    /// </para>
    /// </summary>
    public static double[][] MapTileReplicates(GramSet a, GramSet b, LayerSegments segments, BootstrapOptions? options = null, bool debiased = false)
    {
        options ??= new BootstrapOptions();
        var layers = Enumerable.Range(0, segments.LayerCount).ToList();
        foreach (var (set, name) in new[] { (a, "first"), (b, "second") })
            if (!layers.All(set.Contains)) throw new ArgumentException($"the {name} Gram set lacks layers the segments cover (0–{segments.LayerCount - 1})");
        if (a.Examples != b.Examples) throw new ArgumentException($"Gram sets over different image counts: {a.Examples} vs {b.Examples}");
        var n = (int)a.Examples;
        var count = segments.Count;
        var rows = new double[options.Replicates][];
        using var scope = torch.NewDisposeScope();
        var stackA = LinearCka.CenterGram(torch.stack(layers.Select(l => a[l]).ToList()));
        var stackB = LinearCka.CenterGram(torch.stack(layers.Select(l => b[l]).ToList()));
        var membership = torch.tensor(Membership(segments), count, segments.LayerCount);
        var draws = Draws(options, n);
        for (var first = 0; first < draws.Length; first += TileReplicatesPerBlock)
        {
            using var inner = torch.NewDisposeScope();
            var block = draws.AsSpan(first, Math.Min(TileReplicatesPerBlock, draws.Length - first));
            var sums = (debiased ? GatheredSegmentProducts(stackA, stackB, membership, block, debiased) : WeightedSegmentProducts(stackA, stackB, membership, Counts(block, n)))
                .ToArray<double>();
            for (var r = 0; r < block.Length; r++)
            {
                var row = rows[first + r] = new double[count * count];
                for (var s = 0; s < count; s++)
                    for (var t = 0; t < count; t++)
                        row[s * count + t] = sums[(r * count + s) * count + t] / ((double)segments.Size(s) * segments.Size(t));
            }
        }
        return rows;
    }

    /// <summary>Small enough that a block's R × segments × n × n segment sums stay near 50 MB at n = 200.</summary>
    private const int TileReplicatesPerBlock = 16;

    /// <summary>
    /// R × S × S: the inner products of the segments' sums of unit centred resampled Grams, the resamples given as
    /// multiplicities (R × n). The norm of a resample's centred Gram is its self-HSIC and the inner product of two is
    /// their HSIC, both weighted sums over the cached Grams (<see cref="WeightedHsic"/>), and HSIC is bilinear: so the
    /// segment sums are sums of the cached Grams scaled by each resample's norms.
    /// </summary>
    internal static Tensor WeightedSegmentProducts(Tensor stackA, Tensor stackB, Tensor membership, Tensor counts)
    {
        using var scope = torch.NewDisposeScope();
        var (layers, n, replicates, segments) = (stackA.size(0), stackA.size(-1), counts.size(0), membership.size(0));
        Tensor SegmentSums(Tensor stack)
        {
            var kw = stack.reshape(layers * n, n).matmul(counts.t()).reshape(layers, n, replicates);
            var norms = WeightedHsic(stack, stack, kw, kw, counts).sqrt(); // L × R
            var coefficients = membership.unsqueeze(0) / norms.t().unsqueeze(1); // R × S × L
            return coefficients.reshape(replicates * segments, layers).matmul(stack.reshape(layers, n * n)).reshape(replicates, segments, n, n);
        }
        var (sa, sb) = (SegmentSums(stackA), SegmentSums(stackB));
        // The HSIC expansion of BiasedReplicates, for R pairs of S-stacks (one pair per resample) and all S × S pairings.
        var w = counts.unsqueeze(1); // R × 1 × n
        var size = counts.sum(1).reshape(replicates, 1, 1);
        var pairWeights = (counts.unsqueeze(2) * counts.unsqueeze(1)).reshape(replicates, 1, n * n);
        var aw = sa.reshape(replicates, segments * n, n).matmul(counts.unsqueeze(2)).reshape(replicates, segments, n) * w;
        var bw = sb.reshape(replicates, segments * n, n).matmul(counts.unsqueeze(2)).reshape(replicates, segments, n);
        var quadratic = (sa.reshape(replicates, segments, n * n) * pairWeights).matmul(sb.reshape(replicates, segments, n * n).transpose(1, 2));
        var rowTerm = aw.matmul(bw.transpose(1, 2));
        var totals = aw.sum(2).unsqueeze(2) * (bw * w).sum(2).unsqueeze(1);
        return (quadratic - rowTerm * 2.0 / size + totals / size.square()).MoveToOuterDisposeScope();
    }

    /// <summary>The same by gathering each resample's Grams and (U-)centring them: the debiased estimator's path.</summary>
    internal static Tensor GatheredSegmentProducts(Tensor stackA, Tensor stackB, Tensor membership, ReadOnlySpan<long[]> draws, bool debiased)
    {
        using var scope = torch.NewDisposeScope();
        var products = new List<Tensor>();
        foreach (var draw in draws)
        {
            var index = torch.tensor(draw);
            Tensor SegmentSums(Tensor stack) => membership.matmul(CkaComparison.UnitCentered(stack.index_select(1, index).index_select(2, index), debiased));
            products.Add(SegmentSums(stackA).matmul(SegmentSums(stackB).t()));
        }
        return torch.stack(products).MoveToOuterDisposeScope();
    }

    /// <summary>The segments × layers 0/1 matrix (row-major): row s sums the layers of segment s.</summary>
    internal static double[] Membership(LayerSegments segments)
    {
        var m = new double[segments.Count * segments.LayerCount];
        for (var s = 0; s < segments.Count; s++)
            for (var l = segments.Starts[s]; l < segments.End(s); l++) m[s * segments.LayerCount + l] = 1;
        return m;
    }

    /// <summary>R resamples of n image indices with replacement, from the options' seed: the same for every comparison.</summary>
    internal static long[][] Draws(BootstrapOptions options, int n)
    {
        var random = new Random(options.Seed);
        return Enumerable.Range(0, options.Replicates).Select(_ => Enumerable.Range(0, n).Select(_ => (long)random.Next(n)).ToArray()).ToArray();
    }

    /// <summary>Biased CKA lies in [0, 1]; debiased CKA can be slightly negative when the representations are unrelated.</summary>
    private static double Floor(bool debiased) => debiased ? -1 : 0;

    private static double[] Column(double[][] rows, int i) => rows.Select(r => r[i]).ToArray();

    private const int ReplicatesPerBlock = 64;

    /// <summary>Per-layer CKA (one row per sample) of the samples given as image indices, in blocks.</summary>
    private static double[][] Resampled(Tensor stackA, Tensor stackB, long[][] samples, int n, bool debiased)
    {
        var layers = (int)stackA.size(0);
        var rows = new double[samples.Length][];
        for (var first = 0; first < samples.Length; first += ReplicatesPerBlock)
        {
            using var inner = torch.NewDisposeScope();
            var count = Math.Min(ReplicatesPerBlock, samples.Length - first);
            if (debiased)
            {
                for (var r = 0; r < count; r++)
                    rows[first + r] = ReplicateCka(stackA, stackB, torch.tensor(samples[first + r]), debiased: true).ToArray<double>();
            }
            else
            {
                var values = BiasedReplicates(stackA, stackB, Counts(samples.AsSpan(first, count), n)).ToArray<double>();
                for (var r = 0; r < count; r++) rows[first + r] = values.AsSpan(r * layers, layers).ToArray();
            }
        }
        return rows;
    }

    /// <summary>R × n multiplicities: how often each image is in each sample.</summary>
    internal static Tensor Counts(ReadOnlySpan<long[]> samples, int n)
    {
        var counts = new double[samples.Length * n];
        for (var r = 0; r < samples.Length; r++)
            foreach (var i in samples[r]) counts[r * n + i]++;
        return torch.tensor(counts, samples.Length, n);
    }

    /// <summary>
    /// Biased CKA of R resamples at once (R × L), without building any resampled Gram. With w the multiplicities of a
    /// resample and m = Σw its size, its centered HSIC sum ⟨H·K_b·H, L_b⟩ equals
    /// wᵀ(K∘L)w − (2/m)·Σₖ wₖ(Kw)ₖ(Lw)ₖ + (wᵀKw)(wᵀLw)/m², so all replicates reduce to matrix products with the
    /// stacked Grams (the same value as the gather path, <see cref="ReplicateCka"/>, to rounding). A jackknife sample
    /// is the resample with one weight 0 (m = n − 1).
    /// </summary>
    internal static Tensor BiasedReplicates(Tensor stackA, Tensor stackB, Tensor counts)
    {
        using var scope = torch.NewDisposeScope();
        var (layers, n, replicates) = (stackA.size(0), stackA.size(-1), counts.size(0));
        var aw = stackA.reshape(layers * n, n).matmul(counts.t()).reshape(layers, n, replicates); // (Kw)ₖ per layer
        var bw = stackB.reshape(layers * n, n).matmul(counts.t()).reshape(layers, n, replicates);
        var cross = WeightedHsic(stackA, stackB, aw, bw, counts);
        var selfA = WeightedHsic(stackA, stackA, aw, aw, counts);
        var selfB = WeightedHsic(stackB, stackB, bw, bw, counts);
        return (cross / (selfA * selfB).sqrt()).t().contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// L × R: the centred HSIC sum of layer l of <paramref name="k"/> with layer l of <paramref name="l"/> (L × n × n
    /// stacks) under each resample's multiplicities (R × n), given Kw and Lw (L × n × R).
    /// </summary>
    private static Tensor WeightedHsic(Tensor k, Tensor l, Tensor kw, Tensor lw, Tensor counts)
    {
        using var scope = torch.NewDisposeScope();
        var (layers, n, replicates) = (k.size(0), k.size(-1), counts.size(0));
        var w = counts.t().unsqueeze(0); // 1 × n × R
        var size = counts.sum(1).unsqueeze(0); // 1 × R: m of each resample
        var pairWeights = (counts.unsqueeze(2) * counts.unsqueeze(1)).reshape(replicates, n * n); // R × n²
        var quadratic = pairWeights.matmul((k * l).reshape(layers, n * n).t()).t(); // L × R
        var rowTerm = (w * kw * lw).sum(1);
        var totals = (w * kw).sum(1) * (w * lw).sum(1);
        return (quadratic - rowTerm * 2.0 / size + totals / size.square()).MoveToOuterDisposeScope();
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
}
