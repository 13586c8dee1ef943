namespace Repro.Experiments.Slurm;

/// <summary>A job as squeue shows it: its state (PENDING, RUNNING, COMPLETED, FAILED, …), nodes, time used, and why it waits.</summary>
public sealed record SlurmQueuedJob(string Id, string State, string Nodes, string Elapsed, string Reason)
{
    /// <summary>Not ended: a task with such a job is not submitted again.</summary>
    public bool Active => State is "PENDING" or "RUNNING" or "CONFIGURING" or "COMPLETING" or "REQUEUED" or "REQUEUE_HOLD" or "REQUEUE_FED"
        or "RESIZING" or "SIGNALING" or "STAGE_OUT" or "SUSPENDED" or "STOPPED";
}
