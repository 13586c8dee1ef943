using Repro.Experiments;

namespace Repro.Tests.Experiments;

/// <summary>
/// The scenario of issue "The paper at full scale overnight": after a complete run, training is forced under other
/// float rounding and writes other weights; the evaluation and the report must then rerun, not be skipped as up to
/// date. A forced rerun that writes the same bytes reruns nothing downstream. The study here is three small stages
/// whose outputs are bytes derived from their inputs, run by the real runner and plan.
/// </summary>
public class StaleOutputsTests
{
    private string root = "";
    private readonly Dictionary<string, int> runs = new();
    private byte rounding = 1;
    private readonly Dictionary<string, string> versions = new();

    [SetUp]
    public void CreateArtifacts()
    {
        root = Path.Combine(Path.GetTempPath(), $"repro-stale-{Guid.NewGuid():N}");
        runs.Clear(); // one fixture instance serves every test
        versions.Clear();
        rounding = 1;
    }

    [TearDown]
    public void DeleteArtifacts()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    /// <summary>A stage that writes out.bin from the out.bin of the stages it reads (or from the rounding, for train).</summary>
    private sealed class BytesStage(StaleOutputsTests test, string name, params string[] dependsOn) : SingleTaskStage
    {
        public override string Name => name;
        public override IReadOnlyList<string> DependsOn => dependsOn;
        public override StageCode Code => new(test.versions.GetValueOrDefault(name, $"{name}.1"), []);
        public override object Settings(Profile profile) => new { profile.Seeds };

        public override void Run(StudyContext context)
        {
            test.runs[name] = test.runs.GetValueOrDefault(name) + 1;
            var bytes = dependsOn.Length == 0
                ? [test.rounding, 42]
                : dependsOn.SelectMany(d => File.ReadAllBytes(Path.Combine(context.StageDir(d), "out.bin"))).Select(b => (byte)(b + 1)).ToArray();
            File.WriteAllBytes(Path.Combine(context.StageDir(name), "out.bin"), bytes);
        }
    }

    private StudyPlan Plan()
    {
        var context = new StudyContext(Profile.Named(RepoPaths.Root, "ci"), RepoPaths.Root, new SilentProgress(), root);
        return new StudyPlan([new BytesStage(this, "train"), new BytesStage(this, "evaluate", "train"), new BytesStage(this, "report", "evaluate")],
            context, "code");
    }

    private string[] Ran(string target, bool force = false) =>
        StudyRunner.Run(Plan(), target, force).Where(o => o.Ran).Select(o => $"{o.Task}: {o.Reason}").ToArray();

    [Test]
    public void AForcedRetrainingThatWritesOtherWeightsRerunsWhatReadsThem()
    {
        Assert.That(Ran("report"), Has.Length.EqualTo(3));
        Assert.That(Ran("report"), Is.Empty);

        rounding = 2; // ONEDNN_MAX_CPU_ISA=AVX2 ./build.sh --target Train --force: other weights
        Assert.That(Ran("train", force: true), Is.EqualTo(new[] { "train: forced" }));
        Assert.That(Plan().WhyStale(Plan().Task("report")), Is.EqualTo("needs evaluate: input changed: train"));
        Assert.That(Ran("report"), Is.EqualTo(new[] { "evaluate: input changed: train", "report: input changed: evaluate" }));
        Assert.That(File.ReadAllBytes(Path.Combine(root, "ci", "report", "out.bin")), Is.EqualTo(new byte[] { 4, 44 }));
    }

    [Test]
    public void AForcedRetrainingThatWritesTheSameWeightsRerunsNothingElse()
    {
        Ran("report");
        Assert.That(Ran("train", force: true), Is.EqualTo(new[] { "train: forced" }));
        Assert.That(Ran("report"), Is.Empty);
        Assert.That(runs.OrderBy(r => r.Key).Select(r => $"{r.Key} {r.Value}"), Is.EqualTo(new[] { "evaluate 1", "report 1", "train 2" }));
    }

    [Test]
    public void AnOutputChangedOnDiskMakesItsTaskStaleAndItRerunsFromAnEmptyFolder()
    {
        Ran("report");
        var weights = Path.Combine(root, "ci", "train", "out.bin");
        File.WriteAllBytes(weights, [9, 9]); // the same size; its time moved, so it is hashed
        File.WriteAllBytes(Path.Combine(root, "ci", "train", "leftover.bin"), [1]);
        Assert.That(Plan().WhyStale(Plan().Task("train")), Is.EqualTo("outputs changed since it ran: leftover.bin (added), out.bin"));
        Assert.That(Plan().WhyStale(Plan().Task("report")), Is.EqualTo("needs train: outputs changed since it ran: leftover.bin (added), out.bin"));
        // The rerun starts from an empty folder and writes the bytes the manifest recorded: nothing downstream reruns.
        Assert.That(Ran("report"), Is.EqualTo(new[] { "train: outputs changed since it ran: leftover.bin (added), out.bin" }));
        Assert.That(File.ReadAllBytes(weights), Is.EqualTo(new byte[] { 1, 42 }));
        Assert.That(File.Exists(Path.Combine(root, "ci", "train", "leftover.bin")), Is.False);

        File.Delete(weights);
        Assert.That(Plan().WhyStale(Plan().Task("train")), Is.EqualTo("outputs changed since it ran: out.bin (deleted)"));
    }

    [Test]
    public void TheSameBytesUnderANewTimeAreHashedOnceAndTheManifestRemembersThem()
    {
        Ran("report");
        var dir = Path.Combine(root, "ci", "train");
        var weights = Path.Combine(dir, "out.bin");
        var copied = new DateTime(2030, 1, 2, 3, 4, 5, DateTimeKind.Utc); // a folder copied by hand: same bytes, other times
        File.SetLastWriteTimeUtc(weights, copied);
        Assert.That(Ran("report"), Is.Empty);
        Assert.That(Manifest.Read(dir)!.Files!["out.bin"].Modified, Is.EqualTo(copied));
    }

    [Test]
    public void TheQuickCheckTrustsSizeAndTimeAndVerifyRehashesEveryFile()
    {
        Ran("report");
        var dir = Path.Combine(root, "ci", "train");
        var weights = Path.Combine(dir, "out.bin");
        var time = File.GetLastWriteTimeUtc(weights);
        File.WriteAllBytes(weights, [1, 43]); // a flipped bit that keeps the size, and the time put back
        File.SetLastWriteTimeUtc(weights, time);
        var manifest = Manifest.Read(dir)!;
        Assert.That(TaskOutputs.Check(dir, [], manifest).Changed, Is.Null);
        Assert.That(TaskOutputs.Check(dir, [], manifest, rehashAll: true).Changed, Is.EqualTo("outputs changed since it ran: out.bin"));
    }

    [Test]
    public void AManifestFromBeforePerFileRecordsIsCheckedOnceByItsFolderHashAndUpgraded()
    {
        Ran("report");
        var dir = Path.Combine(root, "ci", "train");
        var old = Manifest.Read(dir)! with { Files = null };
        old.Write(dir);
        Assert.That(Ran("report"), Is.Empty);
        Assert.That(Manifest.Read(dir)!.Files!.Keys, Is.EqualTo(new[] { "out.bin" }));

        old.Write(dir);
        File.WriteAllBytes(Path.Combine(dir, "out.bin"), [7, 7]);
        Assert.That(Plan().WhyStale(Plan().Task("train")), Is.EqualTo("outputs changed since it ran: a file of this folder (its manifest predates per-file records)"));
    }

    [Test]
    public void AnInterruptedTaskLeavesNoManifestAndRunsAgain()
    {
        Ran("train");
        File.Delete(Path.Combine(root, "ci", "train", Manifest.FileName));
        Assert.That(Plan().WhyStale(Plan().Task("evaluate")), Is.EqualTo("needs train: not run yet"));
        Assert.That(Ran("evaluate"), Is.EqualTo(new[] { "train: not run yet", "evaluate: not run yet" }));
    }

    [Test]
    public void ANewVersionOfOneStagesCodeRerunsThatStageAndNamesIt()
    {
        Ran("report");
        versions["evaluate"] = "evaluate.2"; // evaluation code edited: training is not touched, and the report only if the tables change
        Assert.That(Ran("report"), Is.EqualTo(new[] { "evaluate: the stage's code changed (version evaluate.1 → evaluate.2)" }));
    }
}
