using System.Globalization;
using Repro.Experiments.Stages;
using Repro.Similarity;
using Repro.Statistics;

namespace Repro.Experiments.Claims;

/// <summary>
/// Judges claims on a run's results. Each check kind is one short rule written as a signed margin (positive: the
/// claim holds) per unit — a seed, a pair of seeds, or the whole run — over any view of the measurements, so
/// <see cref="ClaimStatistic"/> recomputes it on every bootstrap replicate for its interval. Every verdict carries the
/// measured value it was decided on, so a claim that does not reproduce says by how much.
/// <para>
/// The control. Every claim is judged a second time with the untrained network (AnalyzeStage: the architecture
/// freshly initialised) in place of a trained model; a claim that holds there too says nothing about training. The
/// substitution per kind: per-layer curves, means, maps and cross-seed claims compare each first model against the
/// untrained network instead of its partner (A vs B becomes A vs untrained); "most similar" and "frozen vs
/// unfrozen" replace the model they single out (the second of the last comparison named: F-Synthetic); "comparable
/// mAP" replaces the second model, whose mAP is then 0. The ordering of trained models' mAP and the activation
/// statistics have no control. Equal CKA of a yolo layer and the layer before it is true by construction (a yolo layer
/// returns its input), which the layer kinds show.
/// </para>
/// </summary>
public sealed class ClaimEvaluator(StudyResults results, int size)
{
    private const string Untrained = AnalyzeStage.Untrained;

    /// <summary>The bootstrap replicates of the run's layer × layer maps (none: the block claim's interval is over training alone).</summary>
    public MapTileReplicates MapTiles { get; init; } = MapTileReplicates.None;

    /// <summary>The activation statistics of every resample (none: the statistics claim's interval is over training alone).</summary>
    public ActivationReplicates ActivationReplicates { get; init; } = ActivationReplicates.None;

    private static readonly IReadOnlyList<(string A, string B)> AllComparisons =
    [
        (StudyModels.UReal, StudyModels.USynthetic),
        (StudyModels.UReal, StudyModels.FSynthetic),
        (StudyModels.USynthetic, StudyModels.FSynthetic),
    ];

    public Verdict Evaluate(ClaimSpec claim)
    {
        var statistic = Statistic(claim, control: false);
        var (decision, margin, measured, uncertainty) = statistic.Judge(results);
        return new Verdict(claim.Id, decision, margin, Control(claim), measured, statistic.Expected, uncertainty);
    }

    private ControlOutcome Control(ClaimSpec claim)
    {
        if (IsByConstruction(claim)) return ControlOutcome.ByConstruction;
        if (claim.Kind is "map-better" or "stats-closer") return ControlOutcome.NotApplicable;
        try
        {
            return Statistic(claim, control: true).Judge(results).Decision switch
            {
                Decision.Holds => ControlOutcome.Holds,
                Decision.DoesNotHold => ControlOutcome.DoesNotHold,
                _ => ControlOutcome.Inconclusive,
            };
        }
        catch (KeyNotFoundException)
        {
            return ControlOutcome.NotApplicable; // a run without the untrained comparisons this claim needs
        }
    }

    /// <summary>Equal-CKA pairs that are a yolo layer and the layer feeding it: the yolo layer returns its input.</summary>
    private bool IsByConstruction(ClaimSpec claim) =>
        claim.Kind == "cka-equal-pairs" && Pairs(claim).All(p => results.Layers.Yolo.Contains(p.Second) && p.First == p.Second - 1);

    private ClaimStatistic Statistic(ClaimSpec claim, bool control) => claim.Kind switch
    {
        "cka-min-at-least" => MinAtLeast(claim, control),
        "cka-max-below" => MaxBelow(claim, control),
        "cka-within" => Within(claim, control),
        "cka-equal-pairs" => EqualPairs(claim, control),
        "cka-peaks-are-kind" => PeaksAreKind(claim, control),
        "cka-layers-are-peaks" => LayersArePeaks(claim, control),
        "mean-greater" => MeanGreater(claim, control),
        "comparison-most-similar" => MostSimilar(claim, control),
        "frozen-unfrozen-same" => FrozenUnfrozenSame(claim, control),
        "map-better" => MapBetter(claim),
        "map-comparable" => MapComparable(claim, control),
        "layer-blocks" => LayerBlocks(claim, control),
        "pattern-across-sizes" => PatternAcrossSizes(claim, control),
        "stats-closer" => StatsCloser(),
        "cross-seed-lower" => CrossSeedLower(claim, control),
        var other => throw claim.Error($"unknown check kind '{other}'"),
    };

    // ---- units and substitutions ---------------------------------------------------------------------------

    private string EverySeed => $"seeds {string.Join(", ", results.Seeds)}";

    /// <summary>One unit per seed ("every seed").</summary>
    private IReadOnlyList<ClaimUnit> PerSeed(Func<IMeasurements, int, double> margin, Func<IMeasurements, int, string> describe,
        Resampling source = Resampling.AnalysisImages) =>
        results.Seeds.Select(seed => new ClaimUnit($"seed {seed}", source, m => margin(m, seed), m => describe(m, seed))).ToList();

    /// <summary>The claim's comparisons, or for the control each first model against the untrained network.</summary>
    private static IReadOnlyList<(string A, string B)> Compared(IReadOnlyList<(string A, string B)> comparisons, bool control) =>
        control ? comparisons.Select(c => (c.A, Untrained)).Distinct().ToList() : comparisons;

    /// <summary>The comparisons with one model replaced by the untrained network (the control of claims that single it out).</summary>
    private static IReadOnlyList<(string A, string B)> Replacing(IReadOnlyList<(string A, string B)> comparisons, string model) =>
        comparisons.Select(c => (c.A == model ? Untrained : c.A, c.B == model ? Untrained : c.B)).ToList();

    private IEnumerable<(string A, string B, double[] Curve)> SameSeed(IMeasurements m, IReadOnlyList<(string A, string B)> comparisons, int seed, int? atSize = null) =>
        comparisons.Select(c => (c.A, c.B, m.Curve(c.A, seed, c.B, seed, atSize ?? size)));

    // ---- per-layer thresholds ------------------------------------------------------------------------------

    private ClaimStatistic MinAtLeast(ClaimSpec claim, bool control)
    {
        var (layers, threshold, comparisons) = (claim.Layers(), claim.Number("threshold"), Compared(claim.Comparisons(), control));
        IEnumerable<(double Value, string Where)> Values(IMeasurements m, int seed) =>
            SameSeed(m, comparisons, seed).SelectMany(c => layers.Select(l => (c.Curve[l], $"{c.A} vs {c.B}, layer {l}")));
        return new ClaimStatistic(PerSeed((m, s) => Values(m, s).Min(v => v.Value) - threshold,
            (m, s) => Say("min", Values(m, s).MinBy(v => v.Value), "at")), $"≥ {F(threshold)}", EverySeed);
    }

    private ClaimStatistic MaxBelow(ClaimSpec claim, bool control)
    {
        var (layers, threshold, comparisons) = (claim.Layers(), claim.Number("threshold"), Compared(claim.Comparisons(), control));
        IEnumerable<(double Value, string Where)> Values(IMeasurements m, int seed) =>
            SameSeed(m, comparisons, seed).SelectMany(c => layers.Select(l => (c.Curve[l], $"{c.A} vs {c.B}, layer {l}")));
        return new ClaimStatistic(PerSeed((m, s) => threshold - Values(m, s).Max(v => v.Value),
            (m, s) => Say("max", Values(m, s).MaxBy(v => v.Value), "at")), $"< {F(threshold)}", EverySeed);
    }

    private ClaimStatistic Within(ClaimSpec claim, bool control)
    {
        var (layers, comparisons) = (claim.Layers(), Compared(claim.Comparisons(), control));
        var (low, high) = (claim.Number("low"), claim.Number("high"));
        IEnumerable<double> Values(IMeasurements m, int seed) => SameSeed(m, comparisons, seed).SelectMany(c => layers.Select(l => c.Curve[l]));
        return new ClaimStatistic(PerSeed((m, s) => Values(m, s).Min(v => Math.Min(v - low, high - v)),
            (m, s) => $"{F(Values(m, s).Min())} … {F(Values(m, s).Max())}"), $"within [{F(low)}, {F(high)}]", EverySeed);
    }

    private static IReadOnlyList<(int First, int Second)> Pairs(ClaimSpec claim) =>
        claim.Check.GetProperty("pairs").EnumerateArray().Select(p => (p[0].GetInt32(), p[1].GetInt32())).ToList();

    private ClaimStatistic EqualPairs(ClaimSpec claim, bool control)
    {
        var (pairs, tolerance, comparisons) = (Pairs(claim), claim.Number("tolerance"), Compared(AllComparisons, control));
        double Worst(IMeasurements m, int seed) =>
            SameSeed(m, comparisons, seed).SelectMany(c => pairs.Select(p => Math.Abs(c.Curve[p.First] - c.Curve[p.Second]))).Max();
        return new ClaimStatistic(PerSeed((m, s) => tolerance - Worst(m, s), (m, s) => $"largest difference {Worst(m, s).ToString("E2", CultureInfo.InvariantCulture)}"),
            $"≤ {tolerance.ToString("E0", CultureInfo.InvariantCulture)}", EverySeed);
    }

    // ---- shape of the curve --------------------------------------------------------------------------------

    private static bool IsPeak(double[] curve, int layer) =>
        layer > 0 && layer < curve.Length - 1 && curve[layer] > curve[layer - 1] && curve[layer] > curve[layer + 1];

    /// <summary>How far a layer stands above both neighbours (positive: a local peak).</summary>
    private static double PeakHeight(double[] curve, int layer) =>
        layer > 0 && layer < curve.Length - 1 ? curve[layer] - Math.Max(curve[layer - 1], curve[layer + 1]) : double.NegativeInfinity;

    private ClaimStatistic PeaksAreKind(ClaimSpec claim, bool control)
    {
        var (layers, comparisons) = (claim.Layers(), Compared(claim.Comparisons(), control));
        var kind = results.Layers.Kind(claim.String("layerKind"));
        var minFraction = claim.Number("minFraction");
        (double Fraction, int Peaks) Share(IMeasurements m, int seed)
        {
            var peaks = SameSeed(m, comparisons, seed).SelectMany(c => layers.Where(l => IsPeak(c.Curve, l))).ToList();
            return (peaks.Count == 0 ? 0 : peaks.Count(kind.Contains) / (double)peaks.Count, peaks.Count);
        }
        return new ClaimStatistic(PerSeed((m, s) => Share(m, s).Fraction - minFraction,
                (m, s) => $"{F(Share(m, s).Fraction)} of {Share(m, s).Peaks} local peaks are {claim.String("layerKind")} layers"),
            $"≥ {F(minFraction)}", EverySeed);
    }

    private ClaimStatistic LayersArePeaks(ClaimSpec claim, bool control)
    {
        var (layers, comparisons) = (claim.Layers(), Compared(claim.Comparisons(), control));
        var minFraction = claim.Number("minFraction", 1);
        // The margin is a peak height, not a count, so that "every one is a peak" has a margin that can clear 0:
        // the height that a share minFraction of the curves×layers reach (minFraction 1: the lowest height).
        double[] Heights(IMeasurements m, int seed) => SameSeed(m, comparisons, seed).SelectMany(c => layers.Select(l => PeakHeight(c.Curve, l))).Order().ToArray();
        return new ClaimStatistic(PerSeed((m, s) => BootstrapInterval.Quantile(Heights(m, s), 1 - minFraction),
                (m, s) => $"peaks in {Heights(m, s).Count(x => x > 0)} of {Heights(m, s).Length} curves×layers, lowest height {F(Heights(m, s)[0])}"),
            $"a share ≥ {F(minFraction)} are peaks", EverySeed);
    }

    // ---- means over parts ----------------------------------------------------------------------------------

    private static double Mean(double[] curve, IEnumerable<int> layers) => layers.Select(l => curve[l]).Average();

    private ClaimStatistic MeanGreater(ClaimSpec claim, bool control)
    {
        var (greater, lesser) = (claim.Layers("greater"), claim.Layers("lesser"));
        var comparisons = Compared(claim.Check.TryGetProperty("comparisons", out _) ? claim.Comparisons() : AllComparisons, control);
        IEnumerable<(double Margin, string Where)> Margins(IMeasurements m, int seed) =>
            SameSeed(m, comparisons, seed).Select(c => (Mean(c.Curve, greater) - Mean(c.Curve, lesser), $"{c.A} vs {c.B}"));
        return new ClaimStatistic(PerSeed((m, s) => Margins(m, s).Min(x => x.Margin),
                (m, s) => Say("smallest margin", Margins(m, s).MinBy(x => x.Margin), "of")),
            $"mean({claim.String("greater")}) > mean({claim.String("lesser")})", EverySeed);
    }

    private ClaimStatistic MostSimilar(ClaimSpec claim, bool control)
    {
        var all = LayerSet.Parse("all");
        var pair = claim.Comparisons()[0];
        IReadOnlyList<(string A, string B)> others = AllComparisons.Where(c => c != pair).ToList();
        if (control) (pair, others) = (Replacing([pair], pair.B)[0], Replacing(others, pair.B));
        double MeanOf(IMeasurements m, (string A, string B) c, int seed) => Mean(m.Curve(c.A, seed, c.B, seed, size), all);
        double Margin(IMeasurements m, int seed) => MeanOf(m, pair, seed) - others.Max(o => MeanOf(m, o, seed));
        return new ClaimStatistic(PerSeed(Margin, (m, s) => $"{pair.A} vs {pair.B} {F(MeanOf(m, pair, s))}, margin over the others {F(Margin(m, s))}"), "> 0", EverySeed);
    }

    private ClaimStatistic FrozenUnfrozenSame(ClaimSpec claim, bool control)
    {
        var all = LayerSet.Parse("all");
        if (results.Seeds.Count < 2) throw claim.Error("needs two seeds to measure seed-to-seed variation");
        var comparisons = claim.Comparisons();
        if (control) comparisons = Replacing(comparisons, comparisons[^1].B);
        var factor = claim.Number("factor", 1);
        double MeanOf(IMeasurements m, (string A, string B) c, int seed) => Mean(m.Curve(c.A, seed, c.B, seed, size), all);
        // The gap between the two comparisons, averaged over seeds; the variation of each between seeds, over every pair of seeds.
        double Gap(IMeasurements m, IReadOnlyList<int> seeds) => seeds.Average(s => Math.Abs(MeanOf(m, comparisons[0], s) - MeanOf(m, comparisons[1], s)));
        double Variation(IMeasurements m, IReadOnlyList<int> seeds) =>
            comparisons.SelectMany(c => AnalyzeStage.SeedPairs(seeds).Select(p => Math.Abs(MeanOf(m, c, p.First) - MeanOf(m, c, p.Second)))).Average();
        double Margin(IMeasurements m, IReadOnlyList<int> seeds) => factor * Variation(m, seeds) - Gap(m, seeds);
        var unit = new ClaimUnit("all seeds together", Resampling.AnalysisImages, m => Margin(m, results.Seeds),
            m => $"{comparisons[0].B}−{comparisons[1].B} gap {F(Gap(m, results.Seeds))}, seed-to-seed variation {F(Variation(m, results.Seeds))}");
        // One unit spans the seeds, so training's spread comes from the statistic with each seed left out in turn
        // (it needs two seeds left: three or more in all).
        var leaveOneSeedOut = results.Seeds.Count < 3 ? [] : results.Seeds.Select(left =>
            (Func<IMeasurements, double>)(m => Margin(m, results.Seeds.Where(s => s != left).ToList()))).ToList();
        return new ClaimStatistic([unit], $"gap ≤ {F(factor)} × variation", EverySeed) { LeaveOneSeedOut = leaveOneSeedOut };
    }

    // ---- detection accuracy --------------------------------------------------------------------------------

    private ClaimStatistic MapBetter(ClaimSpec claim)
    {
        var orderings = claim.Check.GetProperty("rules").EnumerateArray().SelectMany(rule =>
            from better in rule.GetProperty("better").EnumerateArray().Select(e => e.GetString()!)
            from worse in rule.GetProperty("worse").EnumerateArray().Select(e => e.GetString()!)
            select (Better: better, Worse: worse, TestSet: rule.GetProperty("testSet").GetString()!)).ToList();
        IEnumerable<(double Margin, string Where)> Margins(IMeasurements m, int seed) =>
            orderings.Select(o => (m.Map(o.Better, seed, o.TestSet) - m.Map(o.Worse, seed, o.TestSet), $"{o.Better} − {o.Worse} on {o.TestSet}"));
        return new ClaimStatistic(PerSeed((m, s) => Margins(m, s).Min(x => x.Margin),
            (m, s) => Say("smallest margin", Margins(m, s).MinBy(x => x.Margin), "of"), Resampling.TestImages), "> 0", EverySeed);
    }

    private ClaimStatistic MapComparable(ClaimSpec claim, bool control)
    {
        var models = claim.Strings("models").ToArray();
        if (control) models[1] = Untrained;
        var tolerance = claim.Number("tolerance");
        IEnumerable<(double Gap, string TestSet)> Gaps(IMeasurements m, int seed) =>
            claim.Strings("testSets").Select(t => (Math.Abs(m.Map(models[0], seed, t) - m.Map(models[1], seed, t)), t));
        return new ClaimStatistic(PerSeed((m, s) => tolerance - Gaps(m, s).Max(g => g.Gap),
            (m, s) => Say("largest gap", Gaps(m, s).MaxBy(g => g.Gap), "on"), Resampling.TestImages), $"≤ {F(tolerance)}", EverySeed);
    }

    // ---- layer × layer maps, sizes, statistics, seeds ------------------------------------------------------

    private ClaimStatistic LayerBlocks(ClaimSpec claim, bool control)
    {
        // Each block is a union of the segments the analysis keeps the maps' replicates by, so that its within- and
        // between-block means are recomputed exactly on every replicate from the tile means.
        var segments = LayerSegments.YoloV3Blocks;
        IReadOnlyList<int> Covering(int[] block)
        {
            try { return segments.Covering(block); }
            catch (ArgumentException e) { throw claim.Error(e.Message); }
        }
        var blocks = claim.String("blocks").Split(';').Select(b => Covering(LayerSet.Parse(b))).ToList();
        var margin = claim.Number("margin", 0);
        var maps = results.Matrices.Where(m => m.Size == size && m.SeedA == m.SeedB && (m.ModelB == Untrained) == control)
            .ToDictionary(m => new ComparisonKey(m.ModelA, m.SeedA, m.ModelB, m.SeedB, m.Size), m => segments.TileMeans(m.Cka));
        IReadOnlyList<ComparisonKey> MapsOf(int seed)
        {
            var keys = maps.Keys.Where(k => k.SeedA == seed).ToList();
            return keys.Count > 0 ? keys : throw new KeyNotFoundException($"no layer × layer CKA maps at {size}×{size} for seed {seed}{(control ? " against the untrained network" : "")}");
        }
        double[] Tiles(IMeasurements m, ComparisonKey map) => m is ReplicateMeasurements view ? MapTiles.Of(map, view.Replicate) : maps[map];
        double Contrast(double[] tiles, IReadOnlyList<int> block) =>
            segments.Mean(tiles, block, block) - segments.Mean(tiles, block, blocks.Where(b => b != block).SelectMany(b => b).ToList());
        double Worst(IMeasurements m, int seed) => MapsOf(seed).SelectMany(map => blocks.Select(b => Contrast(Tiles(m, map), b))).Min();
        return new ClaimStatistic(PerSeed((m, s) => Worst(m, s) - margin, (m, s) => $"smallest within − between contrast {F(Worst(m, s))} over {MapsOf(s).Count} maps",
            Resampling.AnalysisMaps), $"> {F(margin)}", EverySeed) { KeptReplicates = MapTiles.Count };
    }

    private ClaimStatistic PatternAcrossSizes(ClaimSpec claim, bool control)
    {
        var sizes = claim.Check.GetProperty("sizes").EnumerateArray().Select(e => e.GetInt32()).ToList();
        var minCorrelation = claim.Number("minCorrelation");
        var comparisons = Compared(AllComparisons, control);
        double Lowest(IMeasurements m, int seed) => sizes.SelectMany(other =>
            SameSeed(m, comparisons, seed).Zip(SameSeed(m, comparisons, seed, other)).Select(p => Pearson(p.First.Curve, p.Second.Curve))).Min();
        return new ClaimStatistic(PerSeed((m, s) => Lowest(m, s) - minCorrelation, (m, s) => $"lowest correlation with the {size}×{size} curve {F(Lowest(m, s))}"),
            $"≥ {F(minCorrelation)}", EverySeed);
    }

    private static double Pearson(double[] x, double[] y)
    {
        var (mx, my) = (x.Average(), y.Average());
        var cov = x.Zip(y).Sum(p => (p.First - mx) * (p.Second - my));
        return cov / Math.Sqrt(x.Sum(v => (v - mx) * (v - mx)) * y.Sum(v => (v - my) * (v - my)));
    }

    private ClaimStatistic StatsCloser()
    {
        static double[] Scaled(ActivationSummary a) => [a.Mean, a.Std, a.Min, a.Max, a.Median];
        static double[] Fractions(ActivationSummary a) => [a.FractionZeros, a.FractionNegatives];
        // An L1 distance in which statistics of different scale (a max of 40, a fraction of 0.3) weigh alike: the
        // scaled ones relative to their size, the fractions as they are (their scale is 1). A fraction relative to its
        // size would make 3e-8 against 0 (one activation of 34 million rounding to exactly zero, or not, as leaky
        // ReLU's zeros do on another CPU) a distance of 1: the claim's value moved by 0.36 between two oneDNN ISAs.
        static double Distance(ActivationSummary a, ActivationSummary b) =>
            Scaled(a).Zip(Scaled(b)).Sum(p => Math.Abs(p.First - p.Second) / (Math.Abs(p.First) + Math.Abs(p.Second) + 1e-12))
            + Fractions(a).Zip(Fractions(b)).Sum(p => Math.Abs(p.First - p.Second));
        ActivationSummary Summary(IMeasurements m, ModelActivations run) =>
            m is ReplicateMeasurements view ? ActivationReplicates.Of(run.Model, run.Seed, run.Size, view.Replicate) : run.Summary;
        IReadOnlyList<double> Margins(IMeasurements m, int seed)
        {
            var margins = new List<double>();
            foreach (var group in results.Activations.Where(a => a.Seed == seed).GroupBy(a => a.Size))
            {
                var by = group.ToDictionary(a => a.Model, a => Summary(m, a));
                if (!StudyModels.All.All(by.ContainsKey)) continue;
                var close = Distance(by[StudyModels.USynthetic], by[StudyModels.FSynthetic]);
                margins.Add(Math.Min(Distance(by[StudyModels.UReal], by[StudyModels.USynthetic]), Distance(by[StudyModels.UReal], by[StudyModels.FSynthetic])) - close);
            }
            return margins.Count > 0 ? margins : throw new KeyNotFoundException($"no activation statistics for all three models of seed {seed}");
        }
        return new ClaimStatistic(PerSeed((m, s) => Margins(m, s).Min(), (m, s) => $"smallest margin {F(Margins(m, s).Min())} over {Margins(m, s).Count} sizes",
            Resampling.ActivationImages), "> 0", EverySeed) { KeptReplicates = ActivationReplicates.Count };
    }

    private ClaimStatistic CrossSeedLower(ClaimSpec claim, bool control)
    {
        var (layers, comparisons) = (claim.Layers(), Compared(claim.Comparisons(), control));
        if (results.Seeds.Count < 2) throw claim.Error("needs two seeds");
        double MeanOf(IMeasurements m, (string A, string B) c, int seedA, int seedB) => Mean(m.Curve(c.A, seedA, c.B, seedB, size), layers);
        // Each pair of seeds both ways round: same-seed at either seed against across seeds in either order.
        double Same(IMeasurements m, int s, int t) => comparisons.Average(c => (MeanOf(m, c, s, s) + MeanOf(m, c, t, t)) / 2);
        double Cross(IMeasurements m, int s, int t) => comparisons.Average(c => (MeanOf(m, c, s, t) + MeanOf(m, c, t, s)) / 2);
        var pairs = AnalyzeStage.SeedPairs(results.Seeds).ToList();
        var units = pairs.Select(p => new ClaimUnit($"seeds {p.First}/{p.Second}", Resampling.AnalysisImages,
            m => Same(m, p.First, p.Second) - Cross(m, p.First, p.Second),
            m => $"cross-seed {F(Cross(m, p.First, p.Second))}, same-seed {F(Same(m, p.First, p.Second))}")).ToList();
        return new ClaimStatistic(units, "cross-seed < same-seed", $"seed pairs {string.Join(", ", pairs.Select(p => $"{p.First}/{p.Second}"))}");
    }

    /// <summary>"min 0.851 at U-Real vs U-Synthetic, layer 5": a measured number and where it was measured.</summary>
    private static string Say(string what, (double Value, string Where) measured, string preposition) =>
        $"{what} {F(measured.Value)} {preposition} {measured.Where}";

    private static string F(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);
}
