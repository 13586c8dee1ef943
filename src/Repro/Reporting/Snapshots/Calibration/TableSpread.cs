namespace Repro.Reporting.Snapshots.Calibration;

/// <summary>What the calibration runs showed for one result table.</summary>
internal sealed record TableSpread(
    string Name,
    IReadOnlyList<string> Keys,
    int Rows,
    IReadOnlyList<ColumnSpread> Columns,
    IReadOnlyList<CellDisagreement> Disagreements,
    IReadOnlyList<int> CellsDifferingFromFirstRun);
