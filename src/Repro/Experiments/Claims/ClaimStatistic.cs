using System.Globalization;
using Repro.Statistics;

namespace Repro.Experiments.Claims;

/// <summary>
/// A claim as a signed statistic over units (seeds, seed pairs or the whole run), and how it becomes a verdict.
/// Each unit's margin gets a 95 % bootstrap interval from the replicates of what it reads (centred, like the CKA
/// intervals: docs/similarity.md). A claim is a conjunction over its units ("every seed"), so its value is the worst
/// unit's margin, and its interval is that minimum's: from the lowest lower bound to the lowest upper bound (if every
/// margin lies in its interval, their minimum lies in this one). The claim holds when the whole interval is above 0
/// (every unit clears the threshold), does not hold when it is below (some unit clearly fails), and is inconclusive
/// when it straddles 0: no unit clearly fails, and one or more cannot be settled by the images.
/// <see cref="Across"/> names the units for the report ("seeds 0, 1").
/// </summary>
internal sealed record ClaimStatistic(IReadOnlyList<ClaimUnit> Units, string Expected, string Across)
{
    public const double Level = 0.95;

    public (Decision Decision, Estimate Margin, string Measured, string Uncertainty) Judge(StudyResults results)
    {
        if (Units.Count == 0) throw new KeyNotFoundException("nothing to judge the claim on");
        var judged = Units.Select(u => (Unit: u, Estimate: UnitInterval(u, results))).ToList();
        var worst = judged.MinBy(j => j.Estimate.Value);
        var margin = new Estimate(worst.Estimate.Value, judged.Min(j => j.Estimate.Lower), judged.Min(j => j.Estimate.Upper));
        var measured = $"{worst.Unit.Describe(results)} ({worst.Unit.Label})";
        if (judged.Count > 1) measured += "; margins " + string.Join(", ", judged.Select(j => $"{j.Unit.Label} {Signed(j.Estimate.Value)}"));
        return (Decisions.Of(margin.Lower, margin.Upper), margin, measured, Uncertainty(results));
    }

    /// <summary>The unit's margin with its centred bootstrap interval; a point when nothing was resampled.</summary>
    private static Estimate UnitInterval(ClaimUnit unit, StudyResults results)
    {
        var value = unit.Margin(results);
        var count = Replicates(unit.Source, results);
        if (count < 2) return new Estimate(value, value, value);
        try
        {
            var replicates = Enumerable.Range(0, count).Select(r => unit.Margin(new ReplicateMeasurements(results, r))).ToList();
            return BootstrapInterval.Of(value, replicates, null, Level, IntervalMethod.Centered);
        }
        catch (KeyNotFoundException)
        {
            // A run that kept replicates for some comparisons only (an older analysis): this unit spans seeds only.
            return new Estimate(value, value, value);
        }
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
        return over.Count == 0 ? $"{Across} only" : $"{string.Join(", ", over)} × {Across}";
    }

    public static string Signed(double v) => v.ToString("+0.000;−0.000;0.000", CultureInfo.InvariantCulture);
}
