using Repro.Experiments;
using Repro.Experiments.Stages;

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
        return a.Tasks.Select(t => t.Id).Where(id => b.Tasks.Any(t => t.Id == id)).Where(id => a.Key(a.Task(id)) is var x && b.Key(b.Task(id)) is var y
            && (x.Code != y.Code || x.SettingsJson != y.SettingsJson || !x.External.OrderBy(e => e.Key).SequenceEqual(y.External.OrderBy(e => e.Key)))).ToArray();
    }

    [Test]
    public void StagesRunInDataFlowOrder() =>
        Assert.That(Plan(Ci).Order.Select(s => s.Name), Is.EqualTo(new[] { "data", "pretrain", "train", "evaluate", "analyze", "plot", "report" }));

    [Test]
    public void TheSameProfileChangesNothing() => Assert.That(Touched(Ci, Profile.Named(RepoPaths.Root, "ci")), Is.Empty);

    private static string[] Ids(string stage, IEnumerable<int>? seeds = null) =>
        (from seed in seeds ?? Ci.Seeds from model in Repro.Experiments.Claims.StudyModels.All select $"{stage}/{model}-seed{seed}").ToArray();

    [Test]
    public void EachTrainingEvaluationAndCaptureIsATask()
    {
        var ids = Plan(Ci).Tasks.Select(t => t.Id).ToList();
        Assert.That(ids, Is.SupersetOf(Ids("train").Concat(Ids("evaluate")).Concat(Ids("analyze"))));
        Assert.That(ids, Is.SupersetOf(new[] { "data", "train/anchors", "evaluate", "analyze", "plot", "report" }));
        Assert.That(ids.Where(id => id.StartsWith("pretrain")), Is.EqualTo(Ci.Seeds.Select(s => $"pretrain/seed{s}")), "one pre-training per seed");
        Assert.That(ids, Is.SupersetOf(Ci.Seeds.Select(s => $"analyze/untrained-seed{s + 1000}")), "one control network per seed");
        var order = ids.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
        foreach (var task in Plan(Ci).Tasks)
            Assert.That(task.Needs.Select(n => order[n]), Is.All.LessThan(order[task.Id]), $"{task.Id} comes after what it needs");
        Assert.That(Plan(Ci).Task("evaluate/U-Real-seed1").Needs, Is.EqualTo(new[] { "data", "train/U-Real-seed1", "train/anchors" }));
    }

    [Test]
    public void TheModelsOfASeedShareItsPretrainingAndNoOtherSeedsDoes()
    {
        var plan = Plan(Ci);
        foreach (var seed in Ci.Seeds)
            Assert.That(Ids("train", [seed]).Select(id => plan.Task(id).Needs.Single(n => n.StartsWith("pretrain"))), Is.All.EqualTo($"pretrain/seed{seed}"));
        var settings = Ci.Seeds.Select(s => plan.Task($"pretrain/seed{s}").SettingsJson).ToList();
        Assert.That(settings.Distinct().Count(), Is.EqualTo(Ci.Seeds.Length), "each seed's pre-training is its own task");
        Assert.That(settings.Select(j => j.Replace($"\"Seed\":{Ci.Seeds[settings.IndexOf(j)]}", "")).Distinct().Count(), Is.EqualTo(1), "they differ only in the seed");
        Assert.That(PretrainStage.TrainingSeed(Ci, 0), Is.EqualTo(Ci.Data.PretrainSet!.Seed), "seed 0 pre-trains as the one shared pre-training did");
        Assert.That(Ci.Seeds.Select(s => PretrainStage.TrainingSeed(Ci, s)).Distinct().Count(), Is.EqualTo(Ci.Seeds.Length));
    }

    [Test]
    public void OnePretrainingForAllSeedsWhenTheProfileAsks()
    {
        var shared = Plan(Ci with { Pretrain = Ci.Pretrain with { PerSeed = false } });
        Assert.That(shared.Tasks.Select(t => t.Id).Where(id => id.StartsWith("pretrain")), Is.EqualTo(new[] { "pretrain" }));
        Assert.That(Ids("train").Select(id => shared.Task(id).Needs.Single(n => n.StartsWith("pretrain"))), Is.All.EqualTo("pretrain"));
        Assert.That(Profile.Named(RepoPaths.Root, "smoke").Pretrain.PerSeed, Is.False, "smoke's recorded results were made with one pre-training");
    }

    [Test]
    public void ALearningRateChangeTouchesEveryTrainingAndTheReportThatPrintsIt() =>
        Assert.That(Touched(Ci, Ci with { Training = Ci.Training with { LearningRate = 0.5e-3 } }), Is.EqualTo(Ids("train").Append("report")));

    [Test]
    public void AFrozenEpochCapTouchesOnlyTheFrozenModelsTrainings()
    {
        var capped = Ci with { Training = Ci.Training with { FrozenBackbone = new FrozenBackboneSettings { MaxEpochs = 30, Patience = 9 } } };
        Assert.That(Touched(Ci, capped), Is.EqualTo(Ids("train").Where(id => id.Contains("F-Synthetic")).Append("report")));
        Assert.That(Plan(capped).Task("train/F-Synthetic-seed0").SettingsJson, Does.Contain("\"maxEpochs\":30,\"patience\":9,"));
        Assert.That(Plan(capped).Task("train/U-Real-seed0").SettingsJson, Is.EqualTo(Plan(Ci).Task("train/U-Real-seed0").SettingsJson)
            .And.Not.Contain("frozenBackbone"), "the other models' settings read as before the setting existed: their trainings stay up to date");
    }

    [Test]
    public void ABootstrapChangeTouchesOnlyTheComparisonNotTheCaptures() =>
        Assert.That(Touched(Ci, Ci with { Analysis = Ci.Analysis with { Bootstrap = 7 } }), Is.EqualTo(new[] { "analyze", "report" }));

    [Test]
    public void AnEvaluationChangeLeavesTrainingAndAnalysisAlone() =>
        Assert.That(Touched(Ci, Ci with { Evaluation = Ci.Evaluation with { Iou = 0.6 } }), Is.EqualTo(Ids("evaluate").Append("evaluate").Append("report")));

    [Test]
    public void APretrainingChangeTouchesOnlyThePretraining() =>
        Assert.That(Touched(Ci, Ci with { Pretrain = Ci.Pretrain with { Epochs = 9 } }), Is.EqualTo(Ci.Seeds.Select(s => $"pretrain/seed{s}").Append("report")));

    [Test]
    public void AnotherSeedLeavesTheTrainingsOfTheOtherSeedsAlone()
    {
        var more = Ci with { Seeds = [.. Ci.Seeds, 7] };
        var (before, after) = (Plan(Ci), Plan(more));
        Assert.That(after.Tasks.Select(t => t.Id).Except(before.Tasks.Select(t => t.Id)),
            Is.EquivalentTo(Ids("train", [7]).Append("pretrain/seed7").Concat(Ids("evaluate", [7])).Concat(Ids("analyze", [7])).Append("analyze/untrained-seed1007")));
        Assert.That(Touched(Ci, more), Is.EqualTo(new[] { "evaluate", "analyze", "plot", "report" }));
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
