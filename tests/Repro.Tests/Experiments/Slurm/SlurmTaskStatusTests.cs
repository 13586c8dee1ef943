using Repro.Experiments.Slurm;

namespace Repro.Tests.Experiments.Slurm;

/// <summary>What `repro study status --slurm` says of a task, from its job as squeue lists it (or not), its log and its manifest.</summary>
public class SlurmTaskStatusTests
{
    private static SlurmQueuedJob Job(string state, string reason = "None") => new("17", state, state == "RUNNING" ? "gpu-03" : "", "1:02:03", reason);

    [Test]
    public void ARunningJobShowsItsNodeAndLogAndAQueuedOneWhyItWaits()
    {
        Assert.That(SlurmTaskStatus.Of(true, Job("RUNNING"), true, "not run yet"), Is.EqualTo(new SlurmTaskStatus("running", false, true, true)));
        Assert.That(SlurmTaskStatus.Of(true, Job("PENDING", "Dependency"), false, "needs data: not run yet"), Is.EqualTo(new SlurmTaskStatus("queued (Dependency)", false, false, false)));
        Assert.That(SlurmTaskStatus.Of(true, Job("PENDING", "BeginTime"), true, "not run yet").State, Is.EqualTo("queued (BeginTime)"), "a requeued training waiting to start again");
    }

    [Test]
    public void AnUpToDateTaskIsDoneWhateverSqueueRemembers()
    {
        foreach (var job in new[] { Job("COMPLETED"), null })
            Assert.That(SlurmTaskStatus.Of(true, job, true, null), Is.EqualTo(new SlurmTaskStatus("done", true, false, false)));
        Assert.That(SlurmTaskStatus.Of(false, null, false, null).Done, Is.True, "run by hand or unpacked: done all the same");
    }

    [TestCase("FAILED", true, "failed", true)]
    [TestCase("TIMEOUT", true, "timeout", true)]
    [TestCase("CANCELLED", true, "cancelled", true)]
    [TestCase("OUT_OF_MEMORY", true, "out_of_memory", true)]
    [TestCase("CANCELLED", false, "cancelled before it ran (a task it needs failed?)", false)]
    public void AJobThatEndedWithoutFinishingItsTaskShowsHowWithItsLog(string state, bool log, string shown, bool showsLog) =>
        Assert.That(SlurmTaskStatus.Of(true, Job(state), log, "not run yet"), Is.EqualTo(new SlurmTaskStatus(shown, false, false, showsLog)));

    [Test]
    public void AJobSqueueForgotIsJudgedByItsLog()
    {
        Assert.That(SlurmTaskStatus.Of(true, null, true, "not run yet"), Is.EqualTo(new SlurmTaskStatus("failed or stopped (no longer queued; see its log)", false, false, true)));
        Assert.That(SlurmTaskStatus.Of(true, null, false, "needs train/U-Real-seed0: not run yet").State, Does.StartWith("never ran"));
    }

    [Test]
    public void ACompletedJobWhoseTaskIsNotUpToDateSaysWhy() =>
        Assert.That(SlurmTaskStatus.Of(true, Job("COMPLETED"), true, "input changed: data").State, Is.EqualTo("completed, but not up to date: input changed: data"));

    [Test]
    public void ATaskNeverSubmittedSaysWhyItIsNotDone() =>
        Assert.That(SlurmTaskStatus.Of(false, null, false, "not run yet"), Is.EqualTo(new SlurmTaskStatus("not submitted (not run yet)", false, false, false)));

    [TestCase("PENDING", true)]
    [TestCase("RUNNING", true)]
    [TestCase("REQUEUED", true)]
    [TestCase("COMPLETING", true)]
    [TestCase("COMPLETED", false)]
    [TestCase("FAILED", false)]
    [TestCase("CANCELLED", false)]
    [TestCase("NODE_FAIL", false)]
    public void AnActiveJobIsNotSubmittedAgain(string state, bool active) => Assert.That(Job(state).Active, Is.EqualTo(active));
}
