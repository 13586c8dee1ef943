using System.Globalization;
using Repro.Statistics;

namespace Repro.Experiments.Claims;

/// <summary>
/// A claim as a signed statistic over units (seeds, seed pairs), and how it becomes a verdict. A claim is a
/// conjunction over its units ("every seed"), so its value is the worst unit's margin. Its 95 % interval has two
/// parts, added in quadrature because images and training are independent sources:
/// <list type="bullet">
/// <item>The images. Every bootstrap replicate resampled the images jointly for all comparisons (and the test images
/// jointly for all runs), so the worst unit's margin is recomputed replicate by replicate and the interval read from
/// those (centred, like the CKA intervals: docs/similarity.md). Where the units cannot be resampled jointly (nothing
/// kept to resample, or units over different images), each unit gets its own interval and the claim the interval of
/// their minimum, lowest lower bound to lowest upper bound.</item>
/// <item>Training. A rerun trains every model again, and training is chaotic, so its worst seed lands elsewhere.
/// The units are k draws of that chaos, so their margins' standard deviation s (k − 1 degrees of freedom) measures
/// it, and a rerun's worst unit differs from this one's by a difference of two minima of k draws: half-width
/// t(k−1) · √2 · c(k) · s, c(k) the spread of the smallest of k normal draws (<see cref="MinimumOfNormals"/>). A
/// prediction interval, not one for a mean: a reproduction needs to know where the next run's value falls (its
/// coverage of reruns is measured across the calibration runs: docs/snapshots.md). Not a seed bootstrap: three
/// seeds resampled with replacement offer three values, so that interval reaches below the worst seed by little
/// more than the image noise, while a rerun's worst seed falls below this one's half the time. A claim whose one
/// unit spans the seeds (C11) takes the spread from the jackknife over seeds instead (<see cref="LeaveOneSeedOut"/>):
/// half-width t(k−1) · √2 · its standard error. Without either (one seed), the interval says so.</item>
/// </list>
/// The claim holds when the whole interval is above 0, does not hold when it is below, and is inconclusive when it
/// straddles 0. <see cref="Across"/> names the units for the report ("seeds 0, 1").
/// </summary>
internal sealed record ClaimStatistic(IReadOnlyList<ClaimUnit> Units, string Expected, string Across)
{
    public const double Level = 0.95;

    /// <summary>For a claim whose one unit spans the seeds: its margin with each seed left out in turn (empty: none).</summary>
    public IReadOnlyList<Func<IMeasurements, double>> LeaveOneSeedOut { get; init; } = [];

    /// <summary>
    /// How many replicates the measurements kept beside <see cref="StudyResults"/> have (the maps' tiles, the
    /// activation statistics), for units resampled over <see cref="Resampling.AnalysisMaps"/> or <see cref="Resampling.ActivationImages"/>.
    /// </summary>
    public int KeptReplicates { get; init; }

    public (Decision Decision, Estimate Margin, string Measured, string Uncertainty) Judge(StudyResults results)
    {
        if (Units.Count == 0) throw new KeyNotFoundException("nothing to judge the claim on");
        var margins = Units.Select(u => (Unit: u, Value: u.Margin(results))).ToList();
        var worst = Mutants.Mutants.Is(Mutants.Mutants.BestSeedClaims) ? margins.MaxBy(m => m.Value) : margins.MinBy(m => m.Value);
        var images = Containing(JointInterval(worst.Value, results) ?? SeparateIntervals(results));
        var training = LeaveOneSeedOut.Count > 0 ? JackknifeHalfWidth(LeaveOneSeedOut.Select(f => f(results)).ToList())
            : TrainingHalfWidth(margins.Select(m => m.Value).ToList());
        var margin = new Estimate(images.Value, images.Value - Hypot(images.Value - images.Lower, training), images.Value + Hypot(images.Upper - images.Value, training));
        var measured = $"{worst.Unit.Describe(results)} ({worst.Unit.Label})";
        if (margins.Count > 1) measured += "; margins " + string.Join(", ", margins.Select(m => $"{m.Unit.Label} {Signed(m.Value)}"));
        return (Decisions.Of(margin.Lower, margin.Upper), margin, measured, Uncertainty(results, training));
    }

    /// <summary>
    /// Half the width of the training part of the interval: t(k−1) · √2 · c(k) · s over the k units' margins (the
    /// class summary says why); 0 for a single unit, whose training spread one run cannot see.
    /// </summary>
    internal static double TrainingHalfWidth(IReadOnlyList<double> unitMargins)
    {
        var k = unitMargins.Count;
        if (k < 2) return 0;
        var mean = unitMargins.Average();
        var s = Math.Sqrt(unitMargins.Sum(m => (m - mean) * (m - mean)) / (k - 1));
        return StudentT.TwoSidedQuantile(Level, k - 1) * Math.Sqrt(2) * MinimumOfNormals.StandardDeviation(k) * s;
    }

    /// <summary>
    /// The same for a statistic over all k seeds, from its k leave-one-seed-out values θ₍ᵢ₎: the jackknife's standard
    /// error √((k−1)/k · Σ(θ₍ᵢ₎ − θ̄)²) in place of c(k) · s (Efron &amp; Tibshirani 1993, ch. 11).
    /// </summary>
    internal static double JackknifeHalfWidth(IReadOnlyList<double> leaveOneOut)
    {
        var k = leaveOneOut.Count;
        if (k < 2) return 0;
        var mean = leaveOneOut.Average();
        var error = Math.Sqrt((k - 1.0) / k * leaveOneOut.Sum(v => (v - mean) * (v - mean)));
        return StudentT.TwoSidedQuantile(Level, k - 1) * Math.Sqrt(2) * error;
    }

    private static double Hypot(double a, double b) => Math.Sqrt(a * a + b * b);

    /// <summary>
    /// The interval widened to reach its own value where it does not: a centred interval is moved by the replicates'
    /// mean, which a skewed set (the minimum over seeds, a share of peaks) can pull past the value, and a verdict must
    /// not contradict the sign of the margin it reports.
    /// </summary>
    private static Estimate Containing(Estimate e) => e with { Lower = Math.Min(e.Lower, e.Value), Upper = Math.Max(e.Upper, e.Value) };

    /// <summary>The worst unit's margin per replicate, when every unit was resampled over the same images.</summary>
    private Estimate? JointInterval(double value, StudyResults results)
    {
        var sources = Units.Select(u => u.Source).Distinct().ToList();
        if (sources.Count != 1) return null;
        var count = Replicates(sources[0], results);
        if (count < 2) return null;
        // The analysis keeps the replicates of every comparison it writes, so a missing one is an error, not a reason
        // to fall back quietly to another interval while the report says how many resamples there were.
        var replicates = Enumerable.Range(0, count).Select(r =>
        {
            var view = new ReplicateMeasurements(results, r);
            return Units.Min(u => u.Margin(view));
        }).ToList();
        return BootstrapInterval.Of(value, replicates, null, Level, IntervalMethod.Centered);
    }

    /// <summary>The minimum's interval from each unit's own: lowest lower bound to lowest upper bound.</summary>
    private Estimate SeparateIntervals(StudyResults results)
    {
        var units = Units.Select(u => UnitInterval(u, results)).ToList();
        var worst = units.MinBy(e => e.Value)!;
        return new Estimate(worst.Value, units.Min(e => e.Lower), units.Min(e => e.Upper));
    }

    /// <summary>The unit's margin with its centred bootstrap interval; a point when nothing was resampled.</summary>
    private Estimate UnitInterval(ClaimUnit unit, StudyResults results)
    {
        var value = unit.Margin(results);
        var count = Replicates(unit.Source, results);
        if (count < 2) return new Estimate(value, value, value);
        var replicates = Enumerable.Range(0, count).Select(r => unit.Margin(new ReplicateMeasurements(results, r))).ToList();
        return BootstrapInterval.Of(value, replicates, null, Level, IntervalMethod.Centered);
    }

    private int Replicates(Resampling source, StudyResults results) => source switch
    {
        Resampling.AnalysisImages => results.CkaReplicateCount,
        Resampling.AnalysisMaps or Resampling.ActivationImages => KeptReplicates,
        Resampling.TestImages => results.MapReplicateCount,
        _ => 0,
    };

    private string Uncertainty(StudyResults results, double training)
    {
        var sources = Units.Select(u => u.Source).Distinct().ToList();
        var over = sources.Select(s => (s, Replicates(s, results))).Where(x => x.Item2 >= 2).Select(x => x.s switch
        {
            Resampling.AnalysisImages => $"analysis images ({x.Item2} resamples)",
            Resampling.AnalysisMaps => $"analysis images ({x.Item2} resamples of the maps)",
            Resampling.ActivationImages => $"analysis images ({x.Item2} resamples of the activations)",
            _ => $"test images ({x.Item2} resamples)",
        }).ToList();
        var w = training.ToString("0.000", CultureInfo.InvariantCulture);
        over.Add(Units.Count > 1 ? $"training (±{w} from {Units.Count} margins)"
            : LeaveOneSeedOut.Count > 1 ? $"training (±{w}, jackknife over {LeaveOneSeedOut.Count} seeds)" : "not training (one unit)");
        return $"{string.Join(", ", over)}; the worst of {Across}";
    }

    public static string Signed(double v) => v.ToString("+0.000;−0.000;0.000", CultureInfo.InvariantCulture);
}
