using Repro.Experiments.Stages;
using Repro.Models.Darknet;

namespace Repro.Experiments;

/// <summary>What one task of a study is expected to cost: floating-point work, bytes written, memory while it runs.</summary>
public sealed record TaskCost(string Task, double Flops, double DiskBytes, double MemoryBytes, string Basis)
{
    public double Hours(double flopsPerSecond) => Flops / flopsPerSecond / 3600;
}

/// <summary>
/// An estimate of a study's cost before it runs, per task: the FLOPs from the cfg's layer shapes (a multiply-add is
/// two) and the image counts, bytes from the parameter count, memory from the activations a training step keeps.
/// Times follow at a throughput the caller measured or states. Training is counted for every epoch the profile
/// allows (early stopping can end it sooner) at 3 × the forward FLOPs per image (forward, and backward's two
/// products), 1 × plus 2 × the head's with the backbone frozen; everything else at the forward's.
/// </summary>
public static class StudyCost
{
    /// <summary>Images in the datasets as published, the default counts of a study on downloads (docs/datasets.md):
    /// BDD100K's labelled train and val frames (69,863 + 10,000) and VIPER's train frames.</summary>
    public const int BddTrainAndVal = 79_863;
    public const int ViperTrain = 134_097;

    /// <summary>A detection's row in an evaluation's detections CSV, about 60 bytes, and per image at confidence
    /// 0.001 about 120 of them (measured at ci: 7 KB per image).</summary>
    private const double DetectionBytesPerImage = 7_000;

    public static IReadOnlyList<TaskCost> Estimate(Profile profile, DarknetCfg detectorCfg, int realImages, int syntheticImages)
    {
        var size = profile.Model.InputSize;
        var shapes = LayerShapes.Infer(detectorCfg, size, size);
        double forward = shapes.Sum(l => l.Flops);
        double head = shapes.Skip(DarknetWeights.BackboneCutoff).Sum(l => l.Flops);
        double parameters = shapes.Sum(l => l.ParameterCount);
        // A training step keeps every layer's output for backward and builds a gradient of each: two copies, float32.
        double activations = shapes.Sum(l => (double)l.Output.Elements) * profile.Training.Batch * 4 * 2;
        // Weights, gradients and Adam's two moments; a checkpoint holds weights and moments, best.tensors the weights.
        double training = parameters * 4 * 4 + activations;
        double checkpoints = parameters * 4 * 4;
        int Train(int n) => (int)Math.Round(n * 0.6);
        int Held(int n) => (int)Math.Round(n * 0.2);

        var costs = new List<TaskCost> { new("data", 0, 200.0 * (realImages + syntheticImages), 0, "the index: about 200 bytes per image") };
        var runs = ModelRun.All(profile).ToList();
        foreach (var run in runs)
        {
            var n = run.TrainDomain == DataStage.Real ? realImages : syntheticImages;
            var epochs = profile.Training.For(run.FreezeBackbone).MaxEpochs;
            var step = run.FreezeBackbone ? forward + 2 * head : 3 * forward;
            var flops = epochs * (Train(n) * step + Held(n) * forward);
            costs.Add(new(TrainStage.TaskId(run), flops, checkpoints, training,
                $"{epochs} epochs of {Train(n):N0} images (+ {Held(n):N0} validated), {step / 1e9:F1} GFLOP per image"));
        }
        foreach (var run in runs)
        {
            var images = Held(realImages) + Held(syntheticImages);
            costs.Add(new($"evaluate/{run.Folder}", images * forward, images * DetectionBytesPerImage, parameters * 4 + activations / 2 / profile.Training.Batch,
                $"{images:N0} test images, both domains"));
        }
        var analysed = profile.Analysis.Images * (runs.Count + profile.Seeds.Length); // the untrained control per seed
        var sizes = profile.Analysis.Sizes.Concat(profile.Analysis.StatisticsSizes).Distinct().ToList();
        var captureFlops = sizes.Sum(s => LayerShapes.Infer(detectorCfg, s, s).Sum(l => (double)l.Flops));
        costs.Add(new("analyze", analysed * captureFlops, 0, profile.Analysis.MemoryBudgetGiB * (double)(1L << 30),
            $"{analysed:N0} image captures at {string.Join(", ", sizes)} px; memory: the profile's budget"));
        return costs;
    }
}
