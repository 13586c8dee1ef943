using Repro.Benchmarks;
using Repro.Experiments;

namespace Repro.Tests.Benchmarks;

public class TrainingBenchmarkTests
{
    [Test]
    public void TheFirstDefaultConfigIsTheSmokeProfilesDetector()
    {
        var smoke = Profile.Named(RepoPaths.Root, "smoke");
        var first = new TrainingBenchmarkOptions().Configs[0];
        Assert.That(first, Is.EqualTo(new TrainingConfig(smoke.Model.Width, smoke.Model.InputSize, smoke.Training.Batch)));
    }

    [Test]
    public void EveryPhaseIsTimedAndTheRatesFollowFromThem()
    {
        var row = TrainingBenchmark.Measure(new TrainingConfig(0.125, 64, 2),
            new TrainingBenchmarkOptions { WarmupSteps = 0, MinSteps = 2, MinSeconds = 0, BoxesPerImage = 3 });
        var step = row.SecondsPerStep;
        Assert.That(new[] { step.Forward, step.Loss, step.Backward, step.Update }, Has.All.GreaterThan(0));
        Assert.That(row.Steps, Is.EqualTo(2));
        Assert.That(row.GflopsPerImage, Is.EqualTo(ModelBenchmark.FlopsPerImage(0.125, 64) / 1e9).Within(1e-12));
        Assert.That(row.ImagesPerSecond, Is.EqualTo(2 / step.Total).Within(1e-9 * row.ImagesPerSecond));
        Assert.That(row.AchievedGflopsPerSecond, Is.EqualTo(3 * row.GflopsPerImage * row.ImagesPerSecond).Within(1e-9 * row.AchievedGflopsPerSecond));
        // At a peak of exactly the achieved rate the floor allows what was achieved.
        Assert.That(row.FloorRatio(row.AchievedGflopsPerSecond), Is.EqualTo(1).Within(1e-12));
        Assert.That(row.FloorImagesPerSecond(row.AchievedGflopsPerSecond), Is.EqualTo(row.ImagesPerSecond).Within(1e-9 * row.ImagesPerSecond));
    }

    [Test]
    public void ProfilesOfForwardsAndStepsRecordTheirConvolutions()
    {
        var dir = Directory.CreateTempSubdirectory("repro-op-profile-");
        try
        {
            var forward = Path.Combine(dir.FullName, "forward.json");
            ModelBenchmark.ProfileForward(new ModelBenchmarkOptions { Widths = [0.125], Sizes = [32], BatchSize = 1, WarmupIterations = 0 }, forward, 1);
            var step = Path.Combine(dir.FullName, "step.json");
            // Batch 2: in training, batch norm needs more than one value per channel (layer 75 is 1 × 1 at 32 px).
            TrainingBenchmark.Profile(new TrainingConfig(0.125, 32, 2), new TrainingBenchmarkOptions { WarmupSteps = 0, BoxesPerImage = 2 }, step, 1);
            // The eval forward's convs run as the shim's inference conv, which names itself in a profile.
            Assert.That(File.ReadAllText(forward), Does.Contain("repro::inference_conv"));
            // A training step runs the backward and Adam too.
            Assert.That(File.ReadAllText(step), Does.Contain("aten::convolution_backward").And.Contain("aten::addcdiv_"));
            // Batch norm and leaky ReLU run as the shim's fused op, both ways.
            Assert.That(File.ReadAllText(step), Does.Contain("repro::batch_norm_leaky_relu\"").And.Contain("repro::batch_norm_leaky_relu_backward"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
