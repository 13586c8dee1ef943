using Repro.Experiments;
using Repro.Experiments.Stages;

namespace Repro.Tests.Experiments;

/// <summary>
/// model.trainedWeights: the golden profile's detectors are taken from a folder instead of trained. Its tasks read
/// the folder's files as external inputs (by content), need no pre-training, and a missing file is an error naming it.
/// </summary>
public class GivenWeightsTests
{
    private static StudyPlan Plan(string? folder = null) =>
        Repro.Experiments.Study.Plan(new StudyContext(Profile.Named(RepoPaths.Root, "golden", folder is null ? null : [ProfileOverride.Parse($"model.trainedWeights={folder}")]),
            RepoPaths.Root, new SilentProgress(), Path.Combine(Path.GetTempPath(), "repro-given-weights")));

    [Test]
    public void A_given_detector_needs_the_anchors_but_no_pretraining_and_reads_its_files_by_content()
    {
        var plan = Plan();
        var task = plan.Task("train/U-Real-seed0");
        Assert.That(task.Needs, Is.EqualTo(new[] { TrainStage.AnchorsTaskId }));
        Assert.That(task.ExternalInputs.Select(i => i.Setting), Is.SupersetOf(new[]
        {
            "model.trainedWeights:U-Real-seed0/best.tensors", "model.trainedWeights:U-Real-seed0/metrics.csv", "model.trainedWeights:anchors",
        }));
        Assert.That(plan.UpTo("report").Select(t => t.Id), Has.None.StartsWith("pretrain"), "nothing downstream of fixed weights reads the pre-training");
    }

    [Test]
    public void A_missing_file_is_an_error_naming_it_and_the_setting()
    {
        var task = Plan("/nonexistent/detectors").Task("train/U-Synthetic-seed1");
        Assert.That(() => task.ExternalInputs, Throws.InstanceOf<FileNotFoundException>()
            .With.Message.Contains("model.trainedWeights").And.Message.Contains("/nonexistent/detectors/U-Synthetic-seed1/best.tensors"));
    }

    [Test]
    public void The_fixture_holds_every_run_of_the_golden_profile()
    {
        var golden = Profile.Named(RepoPaths.Root, "golden");
        var folder = Path.Combine(RepoPaths.Root, golden.Model.TrainedWeights!);
        foreach (var run in ModelRun.All(golden))
            foreach (var file in GivenWeights.Files)
                Assert.That(File.Exists(Path.Combine(folder, run.Folder, file)), Is.True, $"{run.Folder}/{file}");
    }
}
