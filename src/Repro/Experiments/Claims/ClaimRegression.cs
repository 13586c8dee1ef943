using System.Globalization;
using Repro.Reporting.Snapshots;

namespace Repro.Experiments.Claims;

/// <summary>
/// Whether a claim's verdict on a run still agrees with the recorded one. It fails on a flip between the two
/// decisive verdicts (holds ↔ does not hold), or when the measured margin or either end of its interval leaves its
/// tolerance around the recorded one (expected-results/PROFILE/tolerances.json, table "claims", columns "value",
/// "lower" and "upper") — whatever the verdict, so an inconclusive claim or one that does not hold fails on a changed
/// value too. A move to or from "inconclusive" within the tolerances is not a failure: that is what an interval
/// touching the threshold means.
/// </summary>
internal static class ClaimRegression
{
    /// <summary>Null when the verdict agrees with the record; otherwise what changed.</summary>
    public static string? Check(RecordedClaim recorded, Verdict now, TableTolerances tolerances) =>
        Check(recorded, new RecordedClaim(now.Id, now.Decision, now.Margin.Value, now.Margin.Lower, now.Margin.Upper), tolerances);

    /// <summary>The same judgement of a run's claims table row (<c>repro snapshot check</c> reads both as files).</summary>
    public static string? Check(RecordedClaim recorded, RecordedClaim now, TableTolerances tolerances)
    {
        if (IsFlip(recorded.Decision, now.Decision))
            return $"{now.Id} flipped from '{recorded.Decision.Text()}' to '{now.Decision.Text()}' (margin {Text(now.Value)} in [{Text(now.Lower)}, {Text(now.Upper)}])";
        // A record without a value (an older file) constrains the verdict only; one without an interval, the value.
        foreach (var (column, obtained, expected) in new[]
                 {
                     ("value", now.Value, recorded.Value), ("lower", now.Lower, recorded.Lower), ("upper", now.Upper, recorded.Upper),
                 })
        {
            var tolerance = tolerances.For(new Dictionary<string, string> { ["id"] = now.Id }, column);
            if (!double.IsNaN(expected) && !tolerance.Allows(obtained, expected))
                return $"{now.Id}'s {(column == "value" ? "margin" : $"interval's {column} end")} {Text(obtained)} is outside the tolerance ({tolerance}) of the recorded {Text(expected)}";
        }
        return null;
    }

    public static bool IsFlip(Decision recorded, Decision now) =>
        (recorded, now) is (Decision.Holds, Decision.DoesNotHold) or (Decision.DoesNotHold, Decision.Holds);

    private static string Text(double v) => v.ToString("0.000000", CultureInfo.InvariantCulture);
}
