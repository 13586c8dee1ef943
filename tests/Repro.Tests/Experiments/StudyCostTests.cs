using Repro.Experiments;
using Repro.Models.Darknet;

namespace Repro.Tests.Experiments;

public class StudyCostTests
{
    private static IReadOnlyList<TaskCost> Estimate(string profileName, int real, int synthetic, out double forward)
    {
        var profile = Profile.Named(RepoPaths.Root, profileName);
        var cfg = BuiltinCfgs.YoloV3(new ModelOverrides(5, profile.Model.Width, profile.Model.InputSize));
        using (var network = DarknetNetwork.Build(cfg, seed: 0)) forward = network.FlopsPerImage(profile.Model.InputSize, profile.Model.InputSize);
        return StudyCost.Estimate(profile, cfg, real, synthetic);
    }

    [Test]
    public void ATrainingIsThreeForwardsPerTrainingImageAndOnePerValidationImageForEveryEpoch()
    {
        // ci: 1500 images per domain, 60 % trained on, 20 % validated, 10 epochs; the built network counts its own FLOPs.
        var costs = Estimate("ci", 1500, 1500, out var forward);
        Assert.That(costs.Single(c => c.Task == "train/U-Real-seed0").Flops, Is.EqualTo(10 * (900 * 3 * forward + 300 * forward)).Within(1e-9).Percent);
        var frozen = costs.Single(c => c.Task == "train/F-Synthetic-seed0").Flops;
        Assert.That(frozen, Is.LessThan(costs.Single(c => c.Task == "train/U-Synthetic-seed0").Flops * 0.75), "a frozen backbone takes no backward");
        Assert.That(costs.Where(c => c.Task.StartsWith("train/", StringComparison.Ordinal)), Has.Exactly(9).Items);
        Assert.That(costs.Single(c => c.Task == "evaluate/U-Real-seed1").Flops, Is.EqualTo((300 + 300) * forward).Within(1e-9).Percent);
    }

    [Test]
    public void ThePaperProfilesTrainingStepIsAboutThreeTimesYoloV3sSixtyFiveGigaflopForward()
    {
        var costs = Estimate("paper", StudyCost.BddTrainAndVal, StudyCost.ViperTrain, out var forward);
        Assert.That(forward / 1e9, Is.EqualTo(65.3).Within(0.5), "darknet reports 65.3 BFLOPs for YOLOv3 at 416 px");
        var uReal = costs.Single(c => c.Task == "train/U-Real-seed0");
        Assert.That(uReal.Basis, Does.Contain("100 epochs of 47,918 images"));
        Assert.That(uReal.DiskBytes, Is.EqualTo(4 * 4 * 61.9e6).Within(2).Percent, "weights and two Adam moments in the checkpoint, weights in best.tensors");
    }
}
