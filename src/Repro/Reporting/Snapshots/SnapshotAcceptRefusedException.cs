namespace Repro.Reporting.Snapshots;

/// <summary>Thrown when accepting snapshots is asked for where it must not happen (under CI).</summary>
internal sealed class SnapshotAcceptRefusedException(string message) : InvalidOperationException(message);
