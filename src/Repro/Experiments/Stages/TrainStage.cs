using Repro.Data.Loading;
using Repro.Experiments.Claims;
using Repro.Data.Splitting;
using Repro.Training;

namespace Repro.Experiments.Stages;

/// <summary>
/// Trains every model of every seed, each a task of its own (train/MODEL-seedS): Adam, the profile's learning rate
/// and batch, early stopping on validation loss, a checkpoint per epoch. An interrupted task resumes from its last
/// checkpoint. With fitted anchors, one task (train/anchors) fits them first, for every model alike. A profile with
/// model.trainedWeights trains nothing: each task takes its detector from that folder (<see cref="GivenWeights"/>).
/// </summary>
public sealed class TrainStage : Stage
{
    public const string AnchorsTaskId = "train/anchors";

    public override string Name => "train";
    public override IReadOnlyList<string> DependsOn => ["data", StudyNetworks.PretrainStageName];
    public override StageCode Code => new("train.8", [.. StageCode.DataPrimitives, .. StageCode.DatasetLoading, .. StageCode.Detectors, "Training", "Experiments/Stages/TrainStage.cs", "Experiments/Stages/GivenWeights.cs"]);

    public static string TaskId(ModelRun run) => $"train/{run.Folder}";

    /// <summary>What a task that builds a detector of the profile needs besides its weights: the fitted anchors, if any.</summary>
    public static IReadOnlyList<string> AnchorNeeds(Profile profile) => profile.Model.Anchors == "fitted" ? [AnchorsTaskId] : [];

    public override IReadOnlyList<StudyTask> Tasks(StudyContext context)
    {
        var profile = context.Profile;
        var tasks = new List<StudyTask>();
        if (profile.Model.Anchors == "fitted")
            tasks.Add(new StageTask(Name, AnchorsTaskId, ["data"], new { profile.Model.InputSize, profile.Model.Anchors },
                () => StudyNetworks.DetectorInputs(context, withBackbone: false), "cpu", FitAnchors));
        foreach (var run in ModelRun.All(profile))
            tasks.Add(profile.Model.TrainedWeights is { } given ? GivenWeights.Task(context, run, given) : new StageTask(Name, TaskId(run), ["data", PretrainStage.TaskId(profile, run.Seed), .. AnchorNeeds(profile)],
                new
                {
                    run.Model, run.Seed, profile.Model.Width, profile.Model.InputSize, profile.Model.Anchors,
                    Training = profile.Training.For(run.FreezeBackbone),
                    GivenBackbone = profile.Model.BackboneWeights is not null,
                },
                () => StudyNetworks.DetectorInputs(context, withBackbone: true), context.DeviceKind, c => Train(c, run)));
        return tasks;
    }

    private static Dictionary<string, DatasetIndex> Datasets(StudyContext context) =>
        new[] { DataStage.Real, DataStage.Synthetic }.ToDictionary(d => d, d => DatasetIndex.Read(context, d));

    private static void FitAnchors(StudyContext context)
    {
        var (anchors, coverage) = FittedAnchors.Write(context, Datasets(context).Values.Select(d => d[SplitName.Train]));
        context.Progress.Log($"anchors fitted to the training boxes at {context.Profile.Model.InputSize} px: " +
            $"{string.Join(" ", anchors.Select(a => $"{a.Width:0.#}×{a.Height:0.#}"))} (mean best IoU {coverage:F3})");
    }

    private static void Train(StudyContext context, ModelRun run)
    {
        var device = context.Device;
        var settings = context.Profile.Training.For(run.FreezeBackbone);
        context.Progress.Log($"training {run} on {run.TrainDomain}");
        using var network = StudyNetworks.Detector(context, run, device);
        var data = Datasets(context)[Mutants.Mutants.Is(Mutants.Mutants.WrongDomain) && run.Model == StudyModels.USynthetic ? DataStage.Real : run.TrainDomain];
        var trainImages = Mutants.Mutants.Is(Mutants.Mutants.DroppedClass)
            ? data[SplitName.Train].Select(i => i with { Boxes = i.Boxes.Where(b => b.Class != Data.CommonClass.Cycle).ToList() }).ToList()
            : data[SplitName.Train];
        var loaderOptions = new BatchLoaderOptions { ImageSize = context.Profile.Model.InputSize, BatchSize = settings.Batch, Seed = run.Seed };
        var train = new BatchLoader(trainImages, loaderOptions with { Augment = settings.Augment ? new Augmentation() : null });
        var validation = new BatchLoader(data[SplitName.Val], loaderOptions with { Shuffle = false });
        var trainer = new Trainer(network, new TrainerOptions
        {
            OutputDirectory = context.TaskDir(TaskId(run)),
            MaxEpochs = settings.MaxEpochs,
            Patience = settings.Patience,
            Schedule = new LearningRateSchedule(settings.LearningRate * (Mutants.Mutants.Is(Mutants.Mutants.LowLearningRate) ? 0.3 : 1), settings.WarmupEpochs, settings.Schedule == "cosine"),
            Seed = run.Seed,
            Resume = true,
        }, epoch => Batches(train, epoch), epoch => Batches(validation, epoch));
        var result = trainer.Run(p => context.Progress.Report($"train {run} epoch {p.Epoch}/{p.MaxEpochs} {p.Phase}", p.Batch, p.BatchCount ?? 0,
            $"loss {p.MeanLoss:F3}, {p.ImagesPerSecond:F0} img/s"));
        context.Progress.Log($"{run}: best epoch {result.BestEpoch}, validation loss {result.BestValidationLoss:F4}{(result.StoppedEarly ? ", stopped early" : "")}");
    }

    private static IEnumerable<Training.Batch> Batches(BatchLoader loader, int epoch) =>
        new CountedBatches(loader.Epoch(epoch).Select(b => new Training.Batch(b.Images, b.Boxes)), loader.BatchesPerEpoch);
}
