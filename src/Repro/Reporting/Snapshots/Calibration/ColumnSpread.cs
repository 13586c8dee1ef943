namespace Repro.Reporting.Snapshots.Calibration;

/// <summary>
/// How far apart the calibration runs put one numeric column of a table: the largest difference between any two runs
/// in any row, where (row, highest and lowest run with their values; null when every run agreed everywhere), and the
/// tolerance the rule makes of it. <see cref="ValueRange"/> is how far apart the column's values lie across all rows
/// and runs: a tolerance that reaches it admits any value the column took, so its check has no power left.
/// </summary>
internal sealed record ColumnSpread(string Column, double MaxDeviation, RowKey? Where, string? HighRun, double High, string? LowRun, double Low, Tolerance Tolerance,
    double ValueRange)
{
    /// <summary>Calibrated per row (<see cref="TableTolerances.PerRow"/>): the rows whose own spread needs more than the column's tolerance.</summary>
    public IReadOnlyList<(RowKey Row, double Deviation, Tolerance Tolerance)> Rows { get; init; } = [];

    /// <summary>The column's tolerance, or with rows of their own the widest of them, reaches every value the column took.</summary>
    public bool IsBlind => ValueRange > 0 && Rows.Select(r => r.Tolerance.Absolute).Append(Tolerance.Absolute).Max() >= ValueRange;
}
