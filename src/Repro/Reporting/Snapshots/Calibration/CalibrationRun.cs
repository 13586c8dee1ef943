namespace Repro.Reporting.Snapshots.Calibration;

/// <summary>
/// One run of a profile's study under a perturbation that changes only float rounding: its name (a file-name stem),
/// the environment it ran under (as text, for the record) and the folder of its result tables.
/// </summary>
internal sealed record CalibrationRun(string Name, string Environment, string TablesDir);
