using System.Globalization;
using Repro.Reporting.Snapshots;

namespace Repro.Experiments.Claims;

/// <summary>
/// Whether a claim's verdict on a run still agrees with the recorded one. It fails on a flip between the two
/// decisive verdicts (holds ↔ does not hold), or when the measured margin leaves its tolerance around the recorded
/// value (expected-results/PROFILE/tolerances.json, table "claims", column "value"). A move to or from
/// "inconclusive" within the tolerance is not a failure: that is what an interval touching the threshold means.
/// </summary>
internal static class ClaimRegression
{
    /// <summary>Null when the verdict agrees with the record; otherwise what changed.</summary>
    public static string? Check(RecordedClaim recorded, Verdict now, Tolerance valueTolerance)
    {
        if (IsFlip(recorded.Decision, now.Decision))
            return $"{now.Id} flipped from '{recorded.Decision.Text()}' to '{now.Decision.Text()}' (margin {Text(now.Margin.Value)} in [{Text(now.Margin.Lower)}, {Text(now.Margin.Upper)}])";
        // A record without a value (an older file) constrains the verdict only.
        if (!double.IsNaN(recorded.Value) && !valueTolerance.Allows(now.Margin.Value, recorded.Value))
            return $"{now.Id}'s margin {Text(now.Margin.Value)} is outside the tolerance ({valueTolerance}) of the recorded {Text(recorded.Value)}";
        return null;
    }

    public static bool IsFlip(Decision recorded, Decision now) =>
        (recorded, now) is (Decision.Holds, Decision.DoesNotHold) or (Decision.DoesNotHold, Decision.Holds);

    private static string Text(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);
}
