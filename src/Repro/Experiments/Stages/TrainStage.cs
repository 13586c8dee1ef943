using Repro.Data.Loading;
using Repro.Data.Splitting;
using Repro.Training;

namespace Repro.Experiments.Stages;

/// <summary>
/// Trains every model of every seed: Adam, the profile's learning rate and batch, early stopping on validation
/// loss, a checkpoint per epoch. An interrupted stage resumes each run from its last checkpoint.
/// </summary>
public sealed class TrainStage : Stage
{
    public override string Name => "train";
    public override IReadOnlyList<string> DependsOn => ["data", StudyNetworks.PretrainStageName];
    public override StageCode Code => new("train.1", [.. StageCode.DataPrimitives, .. StageCode.DatasetLoading, .. StageCode.Detectors, "Training", "Experiments/Stages/TrainStage.cs"]);

    public override object Settings(Profile profile) => new
    {
        profile.Model.Width, profile.Model.InputSize, profile.Model.Anchors, profile.Training, profile.Seeds,
        GivenBackbone = profile.Model.BackboneWeights is not null,
    };

    public override IReadOnlyList<ExternalInput> ExternalInputs(StudyContext context) => StudyNetworks.DetectorInputs(context, withBackbone: true);

    public override void Run(StudyContext context)
    {
        var device = context.Device;
        var settings = context.Profile.Training;
        var dataDir = context.StageDir("data");
        var datasets = new[] { DataStage.Real, DataStage.Synthetic }.ToDictionary(d => d, d => DatasetIndex.Read(dataDir, d));
        if (context.Profile.Model.Anchors == "fitted")
        {
            var (anchors, coverage) = FittedAnchors.Write(context, datasets.Values.Select(d => d[SplitName.Train]));
            context.Progress.Log($"anchors fitted to the training boxes at {context.Profile.Model.InputSize} px: " +
                $"{string.Join(" ", anchors.Select(a => $"{a.Width:0.#}×{a.Height:0.#}"))} (mean best IoU {coverage:F3})");
        }
        var runs = ModelRun.All(context.Profile).ToList();
        for (var i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            context.Progress.Log($"training {run} ({i + 1} of {runs.Count}) on {run.TrainDomain}");
            using var network = StudyNetworks.Detector(context, run, device);
            var data = datasets[run.TrainDomain];
            var loaderOptions = new BatchLoaderOptions { ImageSize = context.Profile.Model.InputSize, BatchSize = settings.Batch, Seed = run.Seed };
            var train = new BatchLoader(data[SplitName.Train], loaderOptions with { Augment = settings.Augment ? new Augmentation() : null });
            var validation = new BatchLoader(data[SplitName.Val], loaderOptions with { Shuffle = false });
            var trainer = new Trainer(network, new TrainerOptions
            {
                OutputDirectory = Path.Combine(context.StageDir(Name), run.Folder),
                MaxEpochs = settings.MaxEpochs,
                Patience = settings.Patience,
                LearningRate = settings.LearningRate,
                Schedule = new LearningRateSchedule(settings.LearningRate, settings.WarmupEpochs, settings.Schedule == "cosine"),
                Seed = run.Seed,
                Resume = true,
            }, epoch => Batches(train, epoch), epoch => Batches(validation, epoch));
            var result = trainer.Run(p => context.Progress.Report($"train {run} epoch {p.Epoch}/{p.MaxEpochs} {p.Phase}", p.Batch, p.BatchCount ?? 0,
                $"loss {p.MeanLoss:F3}, {p.ImagesPerSecond:F0} img/s"));
            context.Progress.Log($"{run}: best epoch {result.BestEpoch}, validation loss {result.BestValidationLoss:F4}{(result.StoppedEarly ? ", stopped early" : "")}");
        }
    }

    private static IEnumerable<Training.Batch> Batches(BatchLoader loader, int epoch) =>
        new CountedBatches(loader.Epoch(epoch).Select(b => new Training.Batch(b.Images, b.Boxes)), loader.BatchesPerEpoch);
}
