using Repro.Data.Downloads;
using Repro.Data.Generation;
using Repro.Data.Splitting;
using Repro.Experiments;
using Repro.Experiments.Stages;
using Repro.Models.Darknet;
using Repro.Tests.Data;

namespace Repro.Tests.Experiments;

/// <summary>
/// The path a researcher takes with the real datasets, on every CI run: the paper profile as written, pointed by
/// its three environment variables at miniatures of the downloads (generated scenes in BDD100K's and VIPER's
/// official layouts, with planted bad files), runs its data stage and one training epoch. Only what a CPU needs
/// is replaced: <see cref="OnACpu"/>.
/// </summary>
[NonParallelizable] // sets BDD100K_ROOT, GTAV_ROOT and DARKNET53_WEIGHTS
public class PaperProfileOnDownloadsTests
{
    /// <summary>The CPU's departures from paper.json: no GPU, a tiny network and input, one epoch, one seed.</summary>
    private static readonly string[] OnACpu = ["device=cpu", "model.width=0.125", "model.inputSize=64", "training.maxEpochs=1", "seeds=[0]"];

    private static readonly string[] Variables = ["BDD100K_ROOT", "GTAV_ROOT", "DARKNET53_WEIGHTS"];
    private static readonly GeneratorOptions Miniature = new() { Count = 40, Width = 320, Height = 180, Seed = 9, Workers = 2 };
    private readonly Dictionary<string, string?> saved = new();
    private TempDirectory dir = null!;

    [SetUp]
    public void Downloads()
    {
        foreach (var v in Variables) saved[v] = Environment.GetEnvironmentVariable(v);
        dir = new TempDirectory();
        DownloadLayouts.WriteViper(Path.Combine(dir.Path, "viper"), Miniature);
        using (var backbone = DarknetNetwork.Build(BuiltinCfgs.YoloV3(new ModelOverrides(5, 0.125, 64)), seed: 3))
            DarknetWeights.Save(Path.Combine(dir.Path, "darknet53.conv.74"), backbone, DarknetWeights.BackboneCutoff);
        Environment.SetEnvironmentVariable("BDD100K_ROOT", Path.Combine(dir.Path, "bdd100k"));
        Environment.SetEnvironmentVariable("GTAV_ROOT", Path.Combine(dir.Path, "viper"));
        Environment.SetEnvironmentVariable("DARKNET53_WEIGHTS", Path.Combine(dir.Path, "darknet53.conv.74"));
    }

    [TearDown]
    public void Restore()
    {
        foreach (var (v, value) in saved) Environment.SetEnvironmentVariable(v, value);
        dir.Dispose();
    }

    private void Bdd(string release = "2020") => DownloadLayouts.WriteBdd(Path.Combine(dir.Path, "bdd100k"), release, Miniature);

    private StudyPlan Plan(out string artifacts)
    {
        artifacts = Path.Combine(dir.Path, "artifacts");
        var profile = Profile.Named(RepoPaths.Root, "paper", OnACpu.Select(ProfileOverride.Parse).ToList());
        return Repro.Experiments.Study.Plan(new StudyContext(profile, RepoPaths.Root, new SilentProgress(), artifacts));
    }

    [TestCase("2018")]
    [TestCase("2020")]
    public void TheDataStageAndOneTrainingEpochRunOnMiniaturesOfBothDownloads(string release)
    {
        Bdd(release);
        var truncated = Directory.GetFiles(Path.Combine(dir.Path, "bdd100k", BddDownload.Images("train"))).Order().First();
        File.WriteAllBytes(truncated, File.ReadAllBytes(truncated)[..2000]);
        var plan = Plan(out var artifacts);
        plan.CheckInputs("train/U-Real-seed0");
        var outcomes = StudyRunner.Run(plan, "train/U-Real-seed0");
        Assert.That(outcomes.Select(o => (o.Task, o.Ran)), Is.EqualTo(new[] { ("data", true), ("pretrain", true), ("train/U-Real-seed0", true) }));

        var data = Path.Combine(artifacts, "paper", "data");
        var real = DataReport.Read(Path.Combine(data, "real-report.json"));
        Assert.That(real.Dataset, Is.EqualTo("bdd100k"));
        foreach (var cls in new[] { "car", "person", "cycle" }) // person, bike, motor in 2018's words; pedestrian, bicycle, motorcycle in 2020's
            Assert.That(real.Splits.Values.Sum(s => s.BoxesPerClass[cls]), Is.GreaterThan(0), $"{release}: {cls}");
        Assert.That(real.SkippedImages["unreadable_image"], Is.EqualTo(1));
        Assert.That(real.Messages, Has.Some.Contains(truncated).And.Contains("truncated JPEG"));
        Assert.That(real.Splits.Values.Sum(s => s.Images), Is.EqualTo(28 + 4 - 1), "BDD100K's train and val pooled, the truncated image left out");
        var synthetic = DataReport.Read(Path.Combine(data, "synthetic-report.json"));
        Assert.That(synthetic.Splits.Values.Sum(s => s.Images), Is.EqualTo(29), "VIPER's train split");
        Assert.That(File.ReadAllText(DatasetIndex.PathIn(data, DataStage.Real)), Does.Contain("<data.bdd>/images/100k/").And.Not.Contain(dir.Path),
            "the index names images relative to the download root: it travels between machines");

        var metrics = File.ReadAllLines(Path.Combine(artifacts, "paper", "train", "U-Real-seed0", "metrics.csv"));
        Assert.That(metrics, Has.Length.EqualTo(2), "a header and one epoch");
    }

    [Test]
    public void BadImagesSetToErrorStopsTheDataStageNamingTheImage()
    {
        Bdd();
        var truncated = Directory.GetFiles(Path.Combine(dir.Path, "viper", "train", "img"), "*.png", SearchOption.AllDirectories).Order().First();
        File.WriteAllBytes(truncated, File.ReadAllBytes(truncated)[..1000]);
        var artifacts = Path.Combine(dir.Path, "artifacts");
        var profile = Profile.Named(RepoPaths.Root, "paper", [.. OnACpu.Select(ProfileOverride.Parse), ProfileOverride.Parse("data.badImages=error")]);
        var plan = Repro.Experiments.Study.Plan(new StudyContext(profile, RepoPaths.Root, new SilentProgress(), artifacts));
        var e = Assert.Throws<InvalidDataException>(() => StudyRunner.Run(plan, "data"))!;
        Assert.That(e.Message, Does.Contain(truncated).And.Contain("truncated PNG").And.Contain("badImages"));
    }

    [Test]
    public void AWrongSizeBackboneOrAMissingLabelFileIsAnErrorBeforeAnyTaskRuns()
    {
        Bdd();
        var weights = Path.Combine(dir.Path, "darknet53.conv.74");
        File.WriteAllBytes(weights, File.ReadAllBytes(weights)[..^400]);
        var plan = Plan(out var artifacts);
        var e = Assert.Throws<InvalidDataException>(() => plan.CheckInputs("train/U-Real-seed0"))!;
        Assert.That(e.Message, Does.StartWith("model.backboneWeights: ").And.Contain(weights).And.Contain("size mismatch"));

        File.Delete(Path.Combine(dir.Path, "bdd100k", BddDownload.Labels2020("val")));
        var missing = Assert.Throws<FileNotFoundException>(() => Plan(out _).CheckInputs("data"))!;
        Assert.That(missing.Message, Does.Contain(Path.Combine("labels", "det_20", "det_val.json")));
        Assert.That(Directory.Exists(artifacts) ? Directory.EnumerateFiles(artifacts, "*", SearchOption.AllDirectories) : [], Is.Empty, "nothing ran");
    }
}
