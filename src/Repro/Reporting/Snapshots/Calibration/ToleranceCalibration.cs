namespace Repro.Reporting.Snapshots.Calibration;

/// <summary>
/// A finished calibration: the runs it compared (the first is the reference the per-run counts are taken against),
/// the rule, what each table showed, and where and when it was measured.
/// </summary>
internal sealed record ToleranceCalibration(IReadOnlyList<CalibrationRun> Runs, ToleranceRule Rule, IReadOnlyList<TableSpread> Tables, string Machine, DateOnly Date)
{
    public IEnumerable<(string Table, CellDisagreement Cell)> Disagreements => Tables.SelectMany(t => t.Disagreements.Select(d => (t.Name, d)));

    /// <summary>Measures the runs' tables (keys from the profile's current tolerances.json).</summary>
    public static ToleranceCalibration Measure(IReadOnlyList<CalibrationRun> runs, ToleranceFile declared, ToleranceRule rule, string machine, DateOnly date)
    {
        rule.Validate();
        return new ToleranceCalibration(runs, rule, SpreadMeasurement.Measure(runs, declared, rule), machine, date);
    }
}
