using Repro.Experiments;

namespace Repro.Tests.Experiments;

/// <summary>Manifests: a changed setting makes exactly the stages that read it, and those downstream, stale.</summary>
public class StudyPlanTests
{
    private static readonly Profile Ci = Profile.Named(RepoPaths.Root, "ci");

    private static string[] Changed(Profile changed)
    {
        var before = Repro.Experiments.Study.Plan(Ci, RepoPaths.Root);
        var after = Repro.Experiments.Study.Plan(changed, RepoPaths.Root);
        return before.Order.Select(s => s.Name).Where(n => before.Fingerprints[n] != after.Fingerprints[n]).ToArray();
    }

    [Test]
    public void StagesRunInDataFlowOrder() =>
        Assert.That(Repro.Experiments.Study.Plan(Ci, RepoPaths.Root).Order.Select(s => s.Name),
            Is.EqualTo(new[] { "data", "pretrain", "train", "evaluate", "analyze", "plot", "report" }));

    [Test]
    public void TheSameProfileChangesNothing() => Assert.That(Changed(Profile.Named(RepoPaths.Root, "ci")), Is.Empty);

    [Test]
    public void ALearningRateChangeRerunsTrainingAndWhatReadsIt() =>
        Assert.That(Changed(Ci with { Training = Ci.Training with { LearningRate = 0.5e-3 } }),
            Is.EqualTo(new[] { "train", "evaluate", "analyze", "plot", "report" }));

    [Test]
    public void ABootstrapChangeRerunsOnlyTheAnalysisAndItsReport() =>
        Assert.That(Changed(Ci with { Analysis = Ci.Analysis with { Bootstrap = 7 } }), Is.EqualTo(new[] { "analyze", "plot", "report" }));

    [Test]
    public void AnEvaluationChangeLeavesTrainingAndAnalysisAlone() =>
        Assert.That(Changed(Ci with { Evaluation = Ci.Evaluation with { Iou = 0.6 } }), Is.EqualTo(new[] { "evaluate", "plot", "report" }));

    [Test]
    public void APretrainingChangeRerunsEverythingAfterTheData() =>
        Assert.That(Changed(Ci with { Pretrain = Ci.Pretrain with { Epochs = 9 } }),
            Is.EqualTo(new[] { "pretrain", "train", "evaluate", "analyze", "plot", "report" }));

    [Test]
    public void AManifestOnDiskTellsWhyAStageIsStale()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"repro-plan-{Guid.NewGuid():N}");
        try
        {
            var plan = Repro.Experiments.Study.Plan(Ci, RepoPaths.Root);
            foreach (var stage in plan.Order)
                new Manifest(stage.Name, plan.Fingerprints[stage.Name], plan.Code, plan.Settings[stage.Name], plan.Inputs[stage.Name], DateTimeOffset.UnixEpoch)
                    .Write(Path.Combine(dir, stage.Name));
            Assert.That(plan.Order.Select(s => plan.WhyStale(s, Path.Combine(dir, s.Name))), Is.All.Null);

            var changed = Repro.Experiments.Study.Plan(Ci with { Training = Ci.Training with { Patience = 1 } }, RepoPaths.Root);
            Assert.That(changed.WhyStale(changed["data"], Path.Combine(dir, "data")), Is.Null);
            Assert.That(changed.WhyStale(changed["train"], Path.Combine(dir, "train")), Is.EqualTo("settings changed"));
            Assert.That(changed.WhyStale(changed["evaluate"], Path.Combine(dir, "evaluate")), Is.EqualTo("input changed: train"));
            Assert.That(changed.WhyStale(changed["train"], Path.Combine(dir, "nowhere")), Is.EqualTo("not run yet"));

            var rebuilt = new StudyPlan(Repro.Experiments.Study.Stages(RepoPaths.Root), Ci, "another build");
            Assert.That(rebuilt.Order.Select(s => rebuilt.WhyStale(s, Path.Combine(dir, s.Name))),
                Is.All.EqualTo("the code changed (a new build of Repro, its shim or libtorch)"));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void AProfileWithAnUnknownSettingIsAnErrorNamingTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"repro-profile-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, File.ReadAllText(RepoPaths.Of("experiments", "profiles", "ci.json")).Replace("\"seeds\"", "\"seedz\""));
            var e = Assert.Throws<InvalidDataException>(() => Profile.Load(path))!;
            Assert.That(e.Message, Does.Contain(path).And.Contain("seedz"));
        }
        finally { File.Delete(path); }
    }

    [Test]
    public void AMissingEnvironmentVariableIsNamed()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Profile.Expand("${REPRO_SURELY_UNSET_VAR}/labels", "data.bdd.labels"))!;
        Assert.That(e.Message, Does.Contain("REPRO_SURELY_UNSET_VAR").And.Contain("data.bdd.labels"));
    }
}
