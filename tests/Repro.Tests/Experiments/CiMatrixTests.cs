using System.Text.Json;
using Repro.Experiments;

namespace Repro.Tests.Experiments;

/// <summary>The nightly's plan job output (repro study tasks --stage train --format matrix) against the task list.</summary>
public class CiMatrixTests
{
    [TestCase("ci")]
    [TestCase("paper")]
    public void OneJobPerTrainingEachPreparingExactlyWhatItNeeds(string name)
    {
        var plan = StudyPlanTests.Plan(Profile.Named(RepoPaths.Root, name));
        var matrix = CiMatrix.For(plan, "train");
        var trainings = plan.Select("train").Where(t => t.Id != TrainStageAnchors).Select(t => t.Id);
        Assert.That(matrix.Select(e => e.Task), Is.EqualTo(trainings), "every training, and only the trainings");
        foreach (var entry in matrix)
        {
            var prepare = entry.Prepare.Split(' ');
            Assert.That(prepare, Is.EquivalentTo(plan.UpTo([plan.Task(entry.Task)]).Select(t => t.Id).Where(id => id != entry.Task)));
            Assert.That(prepare.Select((id, i) => plan.Task(id).Needs.All(n => Array.IndexOf(prepare, n) is var j && j >= 0 && j < i)), Is.All.True,
                $"{entry.Task}: each prepared task after what it needs");
            Assert.That(entry.Name, Does.Not.Contain("/"), "an artifact name");
        }
        Assert.That(matrix.Select(e => e.Name).Distinct().Count(), Is.EqualTo(matrix.Count));
    }

    private const string TrainStageAnchors = Repro.Experiments.Stages.TrainStage.AnchorsTaskId;

    [Test]
    public void TheJsonIsAGitHubMatrixWithInclude()
    {
        var plan = StudyPlanTests.Plan(Profile.Named(RepoPaths.Root, "ci"));
        using var json = JsonDocument.Parse(CiMatrix.Json(CiMatrix.For(plan, "train")));
        var first = json.RootElement.GetProperty("include")[0];
        Assert.That(first.GetProperty("task").GetString(), Is.EqualTo("train/U-Real-seed0"));
        Assert.That(first.GetProperty("name").GetString(), Is.EqualTo("train-U-Real-seed0"));
        Assert.That(first.GetProperty("prepare").GetString(), Is.EqualTo("data pretrain/seed0 train/anchors"), "a seed's training needs that seed's pre-training only");
    }
}
