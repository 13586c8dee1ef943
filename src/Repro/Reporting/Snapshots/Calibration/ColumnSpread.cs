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
    public bool IsBlind => ValueRange > 0 && Tolerance.Absolute >= ValueRange;
}
