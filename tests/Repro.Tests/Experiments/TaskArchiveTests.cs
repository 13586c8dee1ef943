using Repro.Experiments;

namespace Repro.Tests.Experiments;

/// <summary>
/// A task packed on one machine and unpacked on another (here: another artifacts root) is up to date there when its
/// inputs match, and refused, with the reason, when they do not; a damaged archive is refused before anything is
/// put in place. The study is <see cref="StaleOutputsTests"/>' three small stages, run by the real runner.
/// </summary>
public class TaskArchiveTests
{
    private string root = "";

    [SetUp]
    public void Create() => root = Directory.CreateTempSubdirectory("repro-archive-").FullName;

    [TearDown]
    public void Delete() => Directory.Delete(root, recursive: true);

    private sealed class BytesStage(string name, byte seed, params string[] dependsOn) : SingleTaskStage
    {
        public override string Name => name;
        public override IReadOnlyList<string> DependsOn => dependsOn;
        public override StageCode Code => new($"{name}.1", []);
        public override object Settings(Profile profile) => new { };

        public override void Run(StudyContext context)
        {
            var input = dependsOn.SelectMany(d => File.ReadAllBytes(Path.Combine(context.StageDir(d), "out.bin")));
            Directory.CreateDirectory(Path.Combine(context.StageDir(name), "sub"));
            File.WriteAllBytes(Path.Combine(context.StageDir(name), "sub", "out.bin"), [seed]);
            File.WriteAllBytes(Path.Combine(context.StageDir(name), "out.bin"), [.. input, seed]);
        }
    }

    private StudyPlan Plan(string machine, byte dataSeed = 1) =>
        new([new BytesStage("data", dataSeed), new BytesStage("train", 2, "data"), new BytesStage("evaluate", 3, "train")],
            new StudyContext(Profile.Named(RepoPaths.Root, "ci"), RepoPaths.Root, new SilentProgress(), Path.Combine(root, machine)), "engine");

    [Test]
    public void ATrainingPackedOnOneMachineIsUpToDateOnAnother()
    {
        StudyRunner.Run(Plan("runner"), "train");
        var archive = Path.Combine(root, "train.tar.gz");
        TaskArchive.Pack(Plan("runner"), "train", archive);

        var final = Plan("final");
        StudyRunner.Run(final, "data"); // deterministic: the same bytes as on the runner
        Assert.That(TaskArchive.Unpack(final, archive, "train"), Is.EqualTo("train"));
        Assert.That(Plan("final").WhyStale(Plan("final").Task("train")), Is.Null);
        Assert.That(StudyRunner.Run(Plan("final"), "evaluate").Where(o => o.Ran).Select(o => o.Task), Is.EqualTo(new[] { "evaluate" }));
    }

    [Test]
    public void ATrainingOnOtherInputsIsRefusedWithTheReason()
    {
        StudyRunner.Run(Plan("runner"), "train");
        var archive = Path.Combine(root, "train.tar.gz");
        TaskArchive.Pack(Plan("runner"), "train", archive);

        var final = Plan("final", dataSeed: 9); // other data on the final machine
        StudyRunner.Run(final, "data");
        TaskArchive.Unpack(final, archive);
        Assert.That(Plan("final", 9).WhyStale(Plan("final", 9).Task("train")), Is.EqualTo("input changed: data"));
        var e = Assert.Throws<InvalidOperationException>(() => StudyRunner.RunTask(Plan("final", 9), "evaluate"))!;
        Assert.That(e.Message, Does.Contain("train is not up to date (input changed: data)"));
    }

    [Test]
    public void ADamagedArchiveIsRefusedAndNothingIsPutInPlace()
    {
        StudyRunner.Run(Plan("runner"), "train");
        var dir = Path.Combine(root, "runner", "ci", "train");
        File.WriteAllBytes(Path.Combine(dir, "out.bin"), [7, 7]); // edited after the manifest was written
        var e = Assert.Throws<InvalidDataException>(() => TaskArchive.Pack(Plan("runner"), "train", Path.Combine(root, "x.tar.gz")))!;
        Assert.That(e.Message, Does.Contain("differ from what its manifest recorded"));
    }
}
