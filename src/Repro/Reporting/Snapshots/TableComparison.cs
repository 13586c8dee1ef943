namespace Repro.Reporting.Snapshots;

/// <summary>One cell that differs beyond its tolerance. <see cref="Difference"/> is obtained − expected when both are numbers.</summary>
internal sealed record CellDifference(string Column, string Obtained, string Expected, double? Difference, Tolerance Tolerance);

/// <summary>A row present on both sides (same key) with at least one differing cell.</summary>
internal sealed record ChangedRow(IReadOnlyList<string> Key, IReadOnlyList<CellDifference> Cells);

/// <summary>A row present on one side only, with its cells in the order of <see cref="TableComparison"/>'s header for that side.</summary>
internal sealed record UnmatchedRow(IReadOnlyList<string> Key, int Line, IReadOnlyList<string> Cells);

/// <summary>
/// The difference between an obtained table and its verified snapshot, as a value: only what differs.
/// Rows are identified by <see cref="KeyColumns"/> (or by position, shown as the column "row", when none are declared).
/// </summary>
internal sealed record TableComparison(
    IReadOnlyList<string> KeyColumns,
    IReadOnlyList<string> ObtainedHeader,
    IReadOnlyList<string> ExpectedHeader,
    IReadOnlyList<string> ColumnsAdded,
    IReadOnlyList<string> ColumnsRemoved,
    IReadOnlyList<ChangedRow> Changed,
    IReadOnlyList<UnmatchedRow> Added,
    IReadOnlyList<UnmatchedRow> Removed)
{
    public bool IsMatch => ColumnsAdded.Count == 0 && ColumnsRemoved.Count == 0 && Changed.Count == 0 && Added.Count == 0 && Removed.Count == 0;
}
