namespace Repro.Reporting.Snapshots.Calibration;

/// <summary>
/// A finished calibration: the runs it compared (the first is the reference the per-run counts are taken against),
/// the rule, what each table showed, and where and when it was measured.
/// </summary>
internal sealed record ToleranceCalibration(IReadOnlyList<CalibrationRun> Runs, ToleranceRule Rule, IReadOnlyList<TableSpread> Tables, string Machine, DateOnly Date)
{
    public StatisticalRule Statistical { get; init; } = StatisticalRule.Default;

    /// <summary>True when only some tables were calibrated (<c>--tables</c>): the others keep their entries and their records in calibration/.</summary>
    public bool IsPartial { get; init; }

    public IEnumerable<(string Table, CellDisagreement Cell)> Disagreements => Tables.SelectMany(t => t.Disagreements.Select(d => (t.Name, d)));

    /// <summary>Row tolerances the statistical rule made that cannot fail on the changes they guard: blind, or wider than the table's maxTolerance.</summary>
    public IEnumerable<(string Table, RowSpread Row)> CannotFail => Tables.SelectMany(t => t.RowSpreads.Where(r => r.CannotFail).Select(r => (t.Name, r)));

    /// <summary>
    /// Measures the runs' tables (keys, meanOver and maxTolerance from the profile's current tolerances.json):
    /// tables compared as seed means by <paramref name="statistical"/>, the others by <paramref name="rule"/>.
    /// </summary>
    public static ToleranceCalibration Measure(IReadOnlyList<CalibrationRun> runs, ToleranceFile declared, ToleranceRule rule, StatisticalRule statistical,
        IReadOnlyCollection<string>? only, string machine, DateOnly date)
    {
        rule.Validate();
        statistical.Validate();
        return new ToleranceCalibration(runs, rule, SpreadMeasurement.Measure(runs, declared, rule, statistical, only), machine, date)
            { Statistical = statistical, IsPartial = only is not null };
    }

    /// <summary>Measures the runs' tables (keys from the profile's current tolerances.json).</summary>
    public static ToleranceCalibration Measure(IReadOnlyList<CalibrationRun> runs, ToleranceFile declared, ToleranceRule rule, string machine, DateOnly date) =>
        Measure(runs, declared, rule, StatisticalRule.Default, null, machine, date);
}
