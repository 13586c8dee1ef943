namespace Repro.Experiments.Slurm;

/// <summary>
/// What <c>repro study status --slurm</c> says of one task, from its job as squeue shows it and its manifest: done
/// (up to date), queued (and why it waits), running (on which node, for how long), or ended without finishing:
/// failed, timed out, cancelled, or never started because a task it needs failed (--kill-on-invalid-dep cancelled
/// it). squeue knows an ended job for the cluster's MinJobAge only (5 minutes by default), and one cancelled before
/// it started not even that long; after that the log tells: a job that wrote one and left no manifest failed or was
/// stopped, one that wrote none never ran.
/// </summary>
public sealed record SlurmTaskStatus(string State, bool Done, bool Running, bool ShowsLog)
{
    /// <param name="submitted">whether a submission from this artifacts folder sent the task</param>
    /// <param name="job">its job as squeue lists it; null when squeue does not (any more)</param>
    /// <param name="logExists">whether its job's log exists</param>
    /// <param name="whyStale">null when the task is up to date, else why not</param>
    public static SlurmTaskStatus Of(bool submitted, SlurmQueuedJob? job, bool logExists, string? whyStale)
    {
        if (job is { Active: true })
            return job.State switch
            {
                "RUNNING" => new("running", false, true, true),
                "PENDING" => new($"queued ({job.Reason})", false, false, false),
                _ => new(job.State.ToLowerInvariant(), false, false, logExists),
            };
        if (whyStale is null) return new("done", true, false, false);
        if (job is not null)
            return job.State switch
            {
                "CANCELLED" when !logExists => new("cancelled before it ran (a task it needs failed?)", false, false, false),
                "COMPLETED" => new($"completed, but not up to date: {whyStale}", false, false, logExists),
                _ => new(job.State.ToLowerInvariant(), false, false, logExists),
            };
        if (!submitted) return new($"not submitted ({whyStale})", false, false, false);
        return logExists
            ? new("failed or stopped (no longer queued; see its log)", false, false, true)
            : new("never ran (cancelled: a task it needs failed?)", false, false, false);
    }
}
