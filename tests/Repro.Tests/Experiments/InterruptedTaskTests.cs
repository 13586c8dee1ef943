using Repro.Experiments;

namespace Repro.Tests.Experiments;

/// <summary>
/// A task killed midway (here: its work throws after its first checkpoint) leaves no manifest; the next run reruns
/// only that task, which finds its checkpoint (the folder is kept for the same fingerprint) and resumes from it.
/// Finished tasks are never rerun. The trainer's own resume is tested in the training tests; this is the runner's part.
/// </summary>
public class InterruptedTaskTests
{
    private string root = "";
    private readonly List<string> log = [];

    [SetUp]
    public void Create()
    {
        root = Directory.CreateTempSubdirectory("repro-interrupted-").FullName;
        log.Clear();
    }

    [TearDown]
    public void Delete() => Directory.Delete(root, recursive: true);

    /// <summary>Two "epochs": after the first it writes a checkpoint, and the first attempt dies there.</summary>
    private sealed class ResumableStage(InterruptedTaskTests test, string name, params string[] dependsOn) : SingleTaskStage
    {
        public override string Name => name;
        public override IReadOnlyList<string> DependsOn => dependsOn;
        public override StageCode Code => new($"{name}.1", []);
        public override object Settings(Profile profile) => new { };

        public override void Run(StudyContext context)
        {
            var checkpoint = Path.Combine(context.StageDir(name), "checkpoint.txt");
            if (File.Exists(checkpoint)) test.log.Add($"{name} resumed from epoch {File.ReadAllText(checkpoint)}");
            else
            {
                test.log.Add($"{name} started");
                File.WriteAllText(checkpoint, "1");
                if (name == "train-b" && test.log.Count(l => l.StartsWith("train-b", StringComparison.Ordinal)) == 1)
                    throw new OperationCanceledException("killed");
            }
            File.WriteAllText(Path.Combine(context.StageDir(name), "weights.bin"), name);
        }
    }

    private StudyPlan Plan() =>
        new([new ResumableStage(this, "data"), new ResumableStage(this, "train-a", "data"), new ResumableStage(this, "train-b", "data"),
             new ResumableStage(this, "report", "train-a", "train-b")],
            new StudyContext(Profile.Named(RepoPaths.Root, "ci"), RepoPaths.Root, new SilentProgress(), root), "engine");

    [Test]
    public void AKilledTaskResumesOnlyItself()
    {
        Assert.Throws<OperationCanceledException>(() => StudyRunner.Run(Plan(), "report"));
        Assert.That(log, Is.EqualTo(new[] { "data started", "train-a started", "train-b started" }));
        Assert.That(Plan().WhyStale(Plan().Task("train-b")), Is.EqualTo("not run yet"));
        Assert.That(Plan().WhyStale(Plan().Task("train-a")), Is.Null);

        log.Clear();
        var ran = StudyRunner.Run(Plan(), "report").Where(o => o.Ran).Select(o => o.Task);
        Assert.That(ran, Is.EqualTo(new[] { "train-b", "report" }));
        Assert.That(log, Is.EqualTo(new[] { "train-b resumed from epoch 1", "report started" }));
    }
}
