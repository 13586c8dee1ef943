namespace Repro.Reporting.Snapshots.Calibration;

/// <summary>
/// A cell that is not a number in every run and differs between runs — a claim's verdict, say. No tolerance can
/// cover it (such cells compare as exact text), so it is a finding of the calibration, not part of its output.
/// </summary>
internal sealed record CellDisagreement(string Column, RowKey Row, IReadOnlyList<string> Values);
