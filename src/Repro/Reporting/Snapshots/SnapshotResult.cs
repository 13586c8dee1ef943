namespace Repro.Reporting.Snapshots;

internal enum SnapshotStatus
{
    /// <summary>Obtained equals verified within the declared tolerances.</summary>
    Match,
    /// <summary>They differ: the received file was written.</summary>
    Mismatch,
    /// <summary>No verified file yet: the received file was written and waits to be accepted.</summary>
    MissingVerified,
    /// <summary>A verified file exists but the run produced nothing under that name.</summary>
    NotProduced,
    /// <summary>No verified file, and tolerances.json says why (the table's "pending"): passes; the received file was written.</summary>
    Pending,
}

/// <summary>The outcome of checking one snapshot; <see cref="Describe"/> is the message a failing test prints.</summary>
internal sealed record SnapshotResult(
    string Profile,
    string FileName,
    SnapshotStatus Status,
    string VerifiedPath,
    string? ReceivedPath,
    TableComparison? Table = null,
    TextComparison? Text = null)
{
    /// <summary>For <see cref="SnapshotStatus.Pending"/>: why tolerances.json says the profile has no verified copy yet.</summary>
    public string? PendingReason { get; init; }

    public bool IsMatch => Status == SnapshotStatus.Match;

    /// <summary>Matches, or is a table the profile declares as not recorded yet.</summary>
    public bool Passes => Status is SnapshotStatus.Match or SnapshotStatus.Pending;

    /// <summary>The snapshot's name: the file name without <c>.verified.&lt;ext&gt;</c>.</summary>
    public string Name => SnapshotFiles.NameOf(FileName);

    public string Describe() => SnapshotReport.Describe(this);

    public override string ToString() => Describe();
}
