using Repro.Experiments;

namespace Repro.Tests.Experiments;

/// <summary>
/// The study's plan: a changed setting touches exactly the tasks that read it; what is downstream of them reruns
/// only when their outputs change (<see cref="StaleOutputsTests"/>).
/// </summary>
public class StudyPlanTests
{
    private static readonly Profile Ci = Profile.Named(RepoPaths.Root, "ci");

    internal static StudyPlan Plan(Profile profile) => Repro.Experiments.Study.Plan(new StudyContext(profile, RepoPaths.Root, new SilentProgress()));

    /// <summary>The tasks whose own part of the fingerprint (code, settings, external files) differs between the profiles.</summary>
    internal static string[] Touched(Profile before, Profile after)
    {
        var (a, b) = (Plan(before), Plan(after));
        return a.Tasks.Select(t => t.Id).Where(id => a.Key(a.Task(id)) is var x && b.Key(b.Task(id)) is var y
            && (x.Code != y.Code || x.SettingsJson != y.SettingsJson || !x.External.OrderBy(e => e.Key).SequenceEqual(y.External.OrderBy(e => e.Key)))).ToArray();
    }

    [Test]
    public void StagesRunInDataFlowOrder() =>
        Assert.That(Plan(Ci).Order.Select(s => s.Name), Is.EqualTo(new[] { "data", "pretrain", "train", "evaluate", "analyze", "plot", "report" }));

    [Test]
    public void TheSameProfileChangesNothing() => Assert.That(Touched(Ci, Profile.Named(RepoPaths.Root, "ci")), Is.Empty);

    [Test]
    public void ALearningRateChangeTouchesOnlyTrainingAndTheReportThatPrintsIt() =>
        Assert.That(Touched(Ci, Ci with { Training = Ci.Training with { LearningRate = 0.5e-3 } }), Is.EqualTo(new[] { "train", "report" }));

    [Test]
    public void ABootstrapChangeTouchesOnlyTheAnalysis() =>
        Assert.That(Touched(Ci, Ci with { Analysis = Ci.Analysis with { Bootstrap = 7 } }), Is.EqualTo(new[] { "analyze", "report" }));

    [Test]
    public void AnEvaluationChangeLeavesTrainingAndAnalysisAlone() =>
        Assert.That(Touched(Ci, Ci with { Evaluation = Ci.Evaluation with { Iou = 0.6 } }), Is.EqualTo(new[] { "evaluate", "report" }));

    [Test]
    public void APretrainingChangeTouchesOnlyThePretraining() =>
        Assert.That(Touched(Ci, Ci with { Pretrain = Ci.Pretrain with { Epochs = 9 } }), Is.EqualTo(new[] { "pretrain", "report" }));

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
