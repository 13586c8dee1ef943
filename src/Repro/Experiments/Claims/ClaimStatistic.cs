using System.Globalization;
using Repro.Statistics;

namespace Repro.Experiments.Claims;

/// <summary>
/// A claim as a signed statistic over units (seeds, seed pairs or the whole run), and how it becomes a verdict.
/// A claim is a conjunction over its units ("every seed"), so its value is the worst unit's margin. Its 95 % interval
/// is that minimum's, from the bootstrap: every replicate resampled the images jointly for all comparisons (and the
/// test images jointly for all runs), so the worst unit's margin is recomputed replicate by replicate and the interval
/// is read from those (centred, like the CKA intervals: docs/similarity.md). Where the units cannot be resampled
/// jointly (nothing kept to resample, or units over different images), each unit gets its own interval and the claim
/// the interval of their minimum, lowest lower bound to lowest upper bound. The claim holds when the whole interval is
/// above 0 (every unit clears the threshold), does not hold when it is below (some unit clearly fails), and is
/// inconclusive when it straddles 0. <see cref="Across"/> names the units for the report ("seeds 0, 1").
/// </summary>
internal sealed record ClaimStatistic(IReadOnlyList<ClaimUnit> Units, string Expected, string Across)
{
    public const double Level = 0.95;

    public (Decision Decision, Estimate Margin, string Measured, string Uncertainty) Judge(StudyResults results)
    {
        if (Units.Count == 0) throw new KeyNotFoundException("nothing to judge the claim on");
        var margins = Units.Select(u => (Unit: u, Value: u.Margin(results))).ToList();
        var worst = Mutants.Mutants.Is(Mutants.Mutants.BestSeedClaims) ? margins.MaxBy(m => m.Value) : margins.MinBy(m => m.Value);
        var margin = Containing(JointInterval(worst.Value, results) ?? SeparateIntervals(results));
        var measured = $"{worst.Unit.Describe(results)} ({worst.Unit.Label})";
        if (margins.Count > 1) measured += "; margins " + string.Join(", ", margins.Select(m => $"{m.Unit.Label} {Signed(m.Value)}"));
        return (Decisions.Of(margin.Lower, margin.Upper), margin, measured, Uncertainty(results));
    }

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
    private static Estimate UnitInterval(ClaimUnit unit, StudyResults results)
    {
        var value = unit.Margin(results);
        var count = Replicates(unit.Source, results);
        if (count < 2) return new Estimate(value, value, value);
        var replicates = Enumerable.Range(0, count).Select(r => unit.Margin(new ReplicateMeasurements(results, r))).ToList();
        return BootstrapInterval.Of(value, replicates, null, Level, IntervalMethod.Centered);
    }

    private static int Replicates(Resampling source, StudyResults results) => source switch
    {
        Resampling.AnalysisImages => results.CkaReplicateCount,
        Resampling.TestImages => results.MapReplicateCount,
        _ => 0,
    };

    private string Uncertainty(StudyResults results)
    {
        var sources = Units.Select(u => u.Source).Distinct().ToList();
        var over = sources.Select(s => (s, Replicates(s, results))).Where(x => x.Item2 >= 2).Select(x => x.s switch
        {
            Resampling.AnalysisImages => $"analysis images ({x.Item2} resamples)",
            _ => $"test images ({x.Item2} resamples)",
        }).ToList();
        return over.Count == 0 ? $"nothing resampled: the worst of {Across}" : $"{string.Join(", ", over)}; the worst of {Across}";
    }

    public static string Signed(double v) => v.ToString("+0.000;−0.000;0.000", CultureInfo.InvariantCulture);
}
