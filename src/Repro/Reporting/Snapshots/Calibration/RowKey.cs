namespace Repro.Reporting.Snapshots.Calibration;

/// <summary>What identifies a row of a result table: its key columns' values, or its position when none are declared.</summary>
internal sealed record RowKey(IReadOnlyList<string> Columns, IReadOnlyList<string> Values)
{
    public override string ToString() => string.Join(", ", Columns.Zip(Values, (c, v) => $"{c}={v}"));
}
