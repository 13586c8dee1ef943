using Repro.Experiments;
using Repro.Experiments.Slurm;

namespace Repro.Tests.Experiments.Slurm;

/// <summary>Which tasks `repro study submit --slurm` sends, and after which jobs: the study's task graph as jobs.</summary>
public class SlurmSubmissionTests
{
    private static readonly Dictionary<string, string> NothingQueued = new();

    [TestCase("ci")]
    [TestCase("paper")]
    public void NothingDoneSubmitsEveryTaskOnceAfterExactlyWhatItNeeds(string name)
    {
        var plan = StudyPlanTests.Plan(Profile.Named(RepoPaths.Root, name));
        var jobs = SlurmSubmission.Plan(plan.UpTo("report"), _ => false, NothingQueued);
        Assert.That(jobs.Select(j => j.Task.Id), Is.EqualTo(plan.Tasks.Select(t => t.Id)), "every task, in the plan's order");
        var before = new HashSet<string>();
        foreach (var job in jobs)
        {
            Assert.That(job.AfterSubmittedTasks, Is.EquivalentTo(job.Task.Needs), job.Task.Id);
            Assert.That(job.AfterSubmittedTasks.All(before.Contains), $"{job.Task.Id}: submitted after the jobs it waits for");
            Assert.That(job.AfterQueuedJobs, Is.Empty);
            before.Add(job.Task.Id);
        }
    }

    [Test]
    public void ARerunSubmitsOnlyWhatIsNeitherUpToDateNorQueuedAndWaitsForTheQueuedJobs()
    {
        var plan = StudyPlanTests.Plan(Profile.Named(RepoPaths.Root, "ci"));
        var done = new HashSet<string> { "data", "pretrain/seed0", "pretrain/seed2", "train/anchors", "train/U-Real-seed0" };
        var queued = new Dictionary<string, string> { ["train/U-Real-seed1"] = "41", ["evaluate/U-Real-seed0"] = "42" };
        var jobs = SlurmSubmission.Plan(plan.UpTo("report"), t => done.Contains(t.Id), queued);
        var ids = jobs.Select(j => j.Task.Id).ToList();
        Assert.That(ids, Does.Not.Contain("data").And.Not.Contain("train/U-Real-seed0").And.Not.Contain("train/U-Real-seed1").And.Not.Contain("evaluate/U-Real-seed0"));
        Assert.That(ids, Has.Count.EqualTo(plan.Tasks.Count - done.Count - queued.Count));
        var evaluateSeed1 = jobs.Single(j => j.Task.Id == "evaluate/U-Real-seed1");
        Assert.That(evaluateSeed1.AfterQueuedJobs, Is.EqualTo(new[] { "41" }), "after the queued training's job");
        Assert.That(evaluateSeed1.AfterSubmittedTasks, Is.Empty, "an up-to-date need is no dependency");
        var scoring = jobs.Single(j => j.Task.Id == "evaluate");
        Assert.That(scoring.AfterQueuedJobs, Is.EqualTo(new[] { "42" }));
        Assert.That(scoring.AfterSubmittedTasks, Is.EquivalentTo(scoring.Task.Needs.Where(n => n != "evaluate/U-Real-seed0")));
        var trainSeed2 = jobs.Single(j => j.Task.Id == "train/U-Real-seed2");
        Assert.That(trainSeed2.AfterSubmittedTasks, Is.Empty, "data, pretrain and anchors are up to date");
    }

    [Test]
    public void EverythingUpToDateSubmitsNothing()
    {
        var plan = StudyPlanTests.Plan(Profile.Named(RepoPaths.Root, "ci"));
        Assert.That(SlurmSubmission.Plan(plan.UpTo("report"), _ => true, NothingQueued), Is.Empty);
    }

    [Test]
    public void TasksOutOfOrderAreAnErrorNamingTheTask()
    {
        var plan = StudyPlanTests.Plan(Profile.Named(RepoPaths.Root, "ci"));
        var reversed = plan.UpTo("pretrain/seed0").Reverse().ToList();
        var e = Assert.Throws<InvalidOperationException>(() => SlurmSubmission.Plan(reversed, _ => false, NothingQueued));
        Assert.That(e!.Message, Does.Contain("'pretrain/seed0' needs data"));
    }
}
