using System.Globalization;
using System.Text.Json;

namespace Repro.Experiments.Claims;

/// <summary>
/// Judges claims on a run's results. Each check kind is one short rule; every verdict carries the measured value
/// it was decided on, so a claim that does not reproduce says by how much.
/// </summary>
public sealed class ClaimEvaluator(StudyResults results, int size)
{
    private static readonly IReadOnlyList<(string, string)> AllComparisons =
    [
        (StudyModels.UReal, StudyModels.USynthetic),
        (StudyModels.UReal, StudyModels.FSynthetic),
        (StudyModels.USynthetic, StudyModels.FSynthetic),
    ];

    public Verdict Evaluate(ClaimSpec claim) => claim.Kind switch
    {
        "cka-min-at-least" => MinAtLeast(claim),
        "cka-max-below" => MaxBelow(claim),
        "cka-within" => Within(claim),
        "cka-equal-pairs" => EqualPairs(claim),
        "cka-peaks-are-kind" => PeaksAreKind(claim),
        "cka-layers-are-peaks" => LayersArePeaks(claim),
        "mean-greater" => MeanGreater(claim),
        "comparison-most-similar" => MostSimilar(claim),
        "frozen-unfrozen-same" => FrozenUnfrozenSame(claim),
        "map-better" => MapBetter(claim),
        "map-comparable" => MapComparable(claim),
        "layer-blocks" => LayerBlocks(claim),
        "pattern-across-sizes" => PatternAcrossSizes(claim),
        "stats-closer" => StatsCloser(claim),
        "cross-seed-lower" => CrossSeedLower(claim),
        var other => throw claim.Error($"unknown check kind '{other}'"),
    };

    // ---- per-layer thresholds ------------------------------------------------------------------------------

    /// <summary>Same-seed curves of the claim's comparisons (default: U-Real vs each synthetic model), every seed.</summary>
    private IEnumerable<(string Label, double[] Curve)> Curves(ClaimSpec claim, IReadOnlyList<(string A, string B)>? comparisons = null, int? atSize = null) =>
        from c in comparisons ?? claim.Comparisons()
        from seed in results.Seeds
        select ($"{c.A} vs {c.B} seed {seed}", results.Curve(c.A, seed, c.B, seed, atSize ?? size));

    private Verdict MinAtLeast(ClaimSpec claim)
    {
        var layers = claim.Layers();
        var threshold = claim.Number("threshold");
        var (value, where) = Curves(claim).SelectMany(c => layers.Select(l => (c.Curve[l], $"{c.Label}, layer {l}"))).MinBy(x => x.Item1);
        return new Verdict(claim.Id, value >= threshold, $"min {F(value)} ({where})", $"≥ {F(threshold)}");
    }

    private Verdict MaxBelow(ClaimSpec claim)
    {
        var layers = claim.Layers();
        var threshold = claim.Number("threshold");
        var (value, where) = Curves(claim).SelectMany(c => layers.Select(l => (c.Curve[l], $"{c.Label}, layer {l}"))).MaxBy(x => x.Item1);
        return new Verdict(claim.Id, value < threshold, $"max {F(value)} ({where})", $"< {F(threshold)}");
    }

    private Verdict Within(ClaimSpec claim)
    {
        var layers = claim.Layers();
        var (low, high) = (claim.Number("low"), claim.Number("high"));
        var values = Curves(claim).SelectMany(c => layers.Select(l => c.Curve[l])).ToList();
        return new Verdict(claim.Id, values.All(v => v >= low && v <= high), $"{F(values.Min())} … {F(values.Max())}", $"within [{F(low)}, {F(high)}]");
    }

    private Verdict EqualPairs(ClaimSpec claim)
    {
        var pairs = claim.Check.GetProperty("pairs").EnumerateArray().Select(p => (p[0].GetInt32(), p[1].GetInt32())).ToList();
        var tolerance = claim.Number("tolerance");
        var worst = Curves(claim, AllComparisons).SelectMany(c => pairs.Select(p => Math.Abs(c.Curve[p.Item1] - c.Curve[p.Item2]))).Max();
        return new Verdict(claim.Id, worst <= tolerance, $"largest difference {worst:E2}", $"≤ {tolerance:E0}");
    }

    // ---- shape of the curve --------------------------------------------------------------------------------

    private static bool IsPeak(double[] curve, int layer) =>
        layer > 0 && layer < curve.Length - 1 && curve[layer] > curve[layer - 1] && curve[layer] > curve[layer + 1];

    private Verdict PeaksAreKind(ClaimSpec claim)
    {
        var layers = claim.Layers();
        var kind = results.Layers.Kind(claim.String("layerKind"));
        var minFraction = claim.Number("minFraction");
        var peaks = Curves(claim).SelectMany(c => layers.Where(l => IsPeak(c.Curve, l))).ToList();
        var fraction = peaks.Count == 0 ? 0 : peaks.Count(kind.Contains) / (double)peaks.Count;
        return new Verdict(claim.Id, fraction >= minFraction, $"{F(fraction)} of {peaks.Count} local peaks are {claim.String("layerKind")} layers", $"≥ {F(minFraction)}");
    }

    private Verdict LayersArePeaks(ClaimSpec claim)
    {
        var layers = claim.Layers();
        var cases = Curves(claim).SelectMany(c => layers.Select(l => IsPeak(c.Curve, l))).ToList();
        var fraction = cases.Count(p => p) / (double)cases.Count;
        var minFraction = claim.Number("minFraction", 1);
        return new Verdict(claim.Id, fraction >= minFraction, $"peaks in {cases.Count(p => p)} of {cases.Count} curves×layers", $"≥ {F(minFraction)}");
    }

    // ---- means over parts ----------------------------------------------------------------------------------

    private static double Mean(double[] curve, IEnumerable<int> layers) => layers.Select(l => curve[l]).Average();

    private Verdict MeanGreater(ClaimSpec claim)
    {
        var (greater, lesser) = (claim.Layers("greater"), claim.Layers("lesser"));
        var comparisons = claim.Check.TryGetProperty("comparisons", out _) ? claim.Comparisons() : AllComparisons;
        var (margin, where) = Curves(claim, comparisons).Select(c => (Mean(c.Curve, greater) - Mean(c.Curve, lesser), c.Label)).MinBy(x => x.Item1);
        return new Verdict(claim.Id, margin > 0, $"smallest margin {F(margin)} ({where})", $"mean({claim.String("greater")}) > mean({claim.String("lesser")})");
    }

    private Verdict MostSimilar(ClaimSpec claim)
    {
        var all = LayerSet.Parse("all");
        var pair = claim.Comparisons()[0];
        var others = AllComparisons.Where(c => c != pair).ToList();
        var margins = results.Seeds.Select(seed =>
            Mean(results.Curve(pair.A, seed, pair.B, seed, size), all) -
            others.Max(o => Mean(results.Curve(o.Item1, seed, o.Item2, seed, size), all))).ToList();
        return new Verdict(claim.Id, margins.All(m => m > 0), $"smallest margin over the others {F(margins.Min())}", "> 0 for every seed");
    }

    private Verdict FrozenUnfrozenSame(ClaimSpec claim)
    {
        var all = LayerSet.Parse("all");
        if (results.Seeds.Count < 2) throw claim.Error("needs two seeds to measure seed-to-seed variation");
        var comparisons = claim.Comparisons();
        double MeanOf((string A, string B) c, int seed) => Mean(results.Curve(c.A, seed, c.B, seed, size), all);
        var gap = results.Seeds.Average(s => Math.Abs(MeanOf(comparisons[0], s) - MeanOf(comparisons[1], s)));
        var variation = comparisons.Max(c => Math.Abs(MeanOf(c, results.Seeds[0]) - MeanOf(c, results.Seeds[1])));
        var factor = claim.Number("factor", 1);
        return new Verdict(claim.Id, gap <= factor * variation, $"frozen−unfrozen gap {F(gap)}, seed-to-seed variation {F(variation)}",
            $"gap ≤ {F(factor)} × variation");
    }

    // ---- detection accuracy --------------------------------------------------------------------------------

    private Verdict MapBetter(ClaimSpec claim)
    {
        var rules = claim.Check.GetProperty("rules").EnumerateArray().ToList();
        var margins = new List<(double Margin, string Where)>();
        foreach (var rule in rules)
        {
            var testSet = rule.GetProperty("testSet").GetString()!;
            foreach (var better in rule.GetProperty("better").EnumerateArray().Select(e => e.GetString()!))
                foreach (var worse in rule.GetProperty("worse").EnumerateArray().Select(e => e.GetString()!))
                    margins.Add((results.Map(better, testSet) - results.Map(worse, testSet), $"{better} − {worse} on {testSet}"));
        }
        var (margin, where) = margins.MinBy(m => m.Margin);
        return new Verdict(claim.Id, margin > 0, $"smallest margin {F(margin)} ({where})", "> 0");
    }

    private Verdict MapComparable(ClaimSpec claim)
    {
        var models = claim.Strings("models");
        var tolerance = claim.Number("tolerance");
        var gaps = claim.Strings("testSets").Select(t => (Math.Abs(results.Map(models[0], t) - results.Map(models[1], t)), t)).ToList();
        var (gap, where) = gaps.MaxBy(g => g.Item1);
        return new Verdict(claim.Id, gap <= tolerance, $"largest gap {F(gap)} (on {where})", $"≤ {F(tolerance)}");
    }

    // ---- layer × layer maps, sizes, statistics, seeds ------------------------------------------------------

    private Verdict LayerBlocks(ClaimSpec claim)
    {
        var blocks = claim.String("blocks").Split(';').Select(b => LayerSet.Parse(b)).ToList();
        var margin = claim.Number("margin", 0);
        var matrices = results.Matrices.Where(m => m.Size == size && m.SeedA == m.SeedB).ToList();
        if (matrices.Count == 0) throw new KeyNotFoundException($"no layer × layer CKA maps at {size}×{size}");
        var contrasts = new List<double>();
        foreach (var m in matrices)
            foreach (var block in blocks)
            {
                var inside = block.SelectMany(i => block.Select(j => m.Cka[i, j])).Average();
                var outside = block.SelectMany(i => blocks.Where(b => b != block).SelectMany(b => b).Select(j => m.Cka[i, j])).Average();
                contrasts.Add(inside - outside);
            }
        var worst = contrasts.Min();
        return new Verdict(claim.Id, worst > margin, $"smallest within − between contrast {F(worst)} over {matrices.Count} maps", $"> {F(margin)}");
    }

    private Verdict PatternAcrossSizes(ClaimSpec claim)
    {
        var sizes = claim.Check.GetProperty("sizes").EnumerateArray().Select(e => e.GetInt32()).ToList();
        var minCorrelation = claim.Number("minCorrelation");
        var correlations = new List<double>();
        foreach (var other in sizes)
            foreach (var ((_, at), (_, there)) in Curves(claim, AllComparisons).Zip(Curves(claim, AllComparisons, other)))
                correlations.Add(Pearson(at, there));
        var worst = correlations.Min();
        return new Verdict(claim.Id, worst >= minCorrelation, $"lowest correlation with the {size}×{size} curve {F(worst)}", $"≥ {F(minCorrelation)}");
    }

    private static double Pearson(double[] x, double[] y)
    {
        var (mx, my) = (x.Average(), y.Average());
        var cov = x.Zip(y).Sum(p => (p.First - mx) * (p.Second - my));
        return cov / Math.Sqrt(x.Sum(v => (v - mx) * (v - mx)) * y.Sum(v => (v - my) * (v - my)));
    }

    private Verdict StatsCloser(ClaimSpec claim)
    {
        static double[] Figures(ModelActivations a) =>
            [a.Summary.Mean, a.Summary.Std, a.Summary.Min, a.Summary.Max, a.Summary.Median, a.Summary.FractionZeros, a.Summary.FractionNegatives];
        // Relative L1 distance, so statistics of different scale (a max of 40, a fraction of 0.3) weigh alike.
        static double Distance(ModelActivations a, ModelActivations b) =>
            Figures(a).Zip(Figures(b)).Sum(p => Math.Abs(p.First - p.Second) / (Math.Abs(p.First) + Math.Abs(p.Second) + 1e-12));
        var margins = new List<double>();
        foreach (var group in results.Activations.GroupBy(a => (a.Seed, a.Size)))
        {
            var by = group.ToDictionary(a => a.Model);
            if (!StudyModels.All.All(by.ContainsKey)) continue;
            var close = Distance(by[StudyModels.USynthetic], by[StudyModels.FSynthetic]);
            margins.Add(Math.Min(Distance(by[StudyModels.UReal], by[StudyModels.USynthetic]), Distance(by[StudyModels.UReal], by[StudyModels.FSynthetic])) - close);
        }
        if (margins.Count == 0) throw new KeyNotFoundException("no activation statistics for all three models");
        return new Verdict(claim.Id, margins.All(m => m > 0), $"smallest margin {F(margins.Min())} over {margins.Count} seed×size groups", "> 0");
    }

    private Verdict CrossSeedLower(ClaimSpec claim)
    {
        var layers = claim.Layers();
        if (results.Seeds.Count < 2) throw claim.Error("needs two seeds");
        var (s0, s1) = (results.Seeds[0], results.Seeds[1]);
        var same = claim.Comparisons().Average(c => Mean(results.Curve(c.A, s0, c.B, s0, size), layers));
        var cross = claim.Comparisons().Average(c => Mean(results.Curve(c.A, s0, c.B, s1, size), layers));
        return new Verdict(claim.Id, cross < same, $"cross-seed {F(cross)}, same-seed {F(same)}", "cross-seed < same-seed");
    }

    private static string F(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);
}
