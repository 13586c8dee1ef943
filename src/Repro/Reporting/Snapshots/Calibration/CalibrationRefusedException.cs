namespace Repro.Reporting.Snapshots.Calibration;

/// <summary>
/// A calibration made row tolerances whose checks cannot fail on the changes they guard (blind, or wider than the
/// table's maxTolerance), and nothing was written: a profile with too few seeds or runs must be visible, not
/// silently blind. <c>--allow-blind</c> writes them anyway, marked.
/// </summary>
internal sealed class CalibrationRefusedException(IReadOnlyList<(string Table, RowSpread Row)> rows)
    : Exception($"refusing to write tolerances that cannot fail ({rows.Count}): "
                + string.Join("; ", rows.Select(r => $"{r.Table} ({r.Row.Row}) {r.Row.Column}: {r.Row.Tolerance} is {r.Row.Problem}")))
{
    public IReadOnlyList<(string Table, RowSpread Row)> Rows { get; } = rows;
}
