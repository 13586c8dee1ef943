using System.Diagnostics;
using Repro.Models;
using Repro.Torch;
using Repro.Torch.Optim;

namespace Repro.Training;

/// <summary>How a detector is trained (the paper: Adam, lr 1e-4, at most 100 epochs, patience 10).</summary>
public sealed record TrainerOptions
{
    /// <summary>Where the checkpoint, the best weights, the metrics CSV and the timings CSV go.</summary>
    public required string OutputDirectory { get; init; }
    public int MaxEpochs { get; init; } = 100;
    public int Patience { get; init; } = 10;

    /// <summary>The learning rate over the run (default: constant at 1e-4, as the paper trains).</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant(1e-4);

    /// <summary>The run's seed, recorded in the checkpoint; a resume with another seed is refused.</summary>
    public long Seed { get; init; }

    /// <summary>Continue from the checkpoint in <see cref="OutputDirectory"/> when there is one.</summary>
    public bool Resume { get; init; }

    /// <summary>Load the best-validation weights into the model when training ends.</summary>
    public bool RestoreBestWeights { get; init; } = true;
}

/// <summary>Where training is, for a progress display.</summary>
/// <param name="Phase">"train" or "validate".</param>
/// <param name="Batch">Batches done in this phase of this epoch.</param>
/// <param name="BatchCount">Batches in the phase when the source knows (a collection), else null.</param>
/// <param name="MeanLoss">Mean total loss per image so far in this phase.</param>
public sealed record TrainingProgress(int Epoch, int MaxEpochs, string Phase, int Batch, int? BatchCount, double MeanLoss,
    double ImagesPerSecond, TimeSpan EpochElapsed);

public sealed record TrainingResult(IReadOnlyList<EpochMetrics> History, IReadOnlyList<EpochTiming> Timings, int BestEpoch, double BestValidationLoss,
    bool StoppedEarly, string CheckpointPath, string BestWeightsPath, string MetricsPath);

/// <summary>
/// The training loop: Adam over the model's trainable parameters only (freezing is set on the model before, e.g.
/// layers 0–74 for F-Synthetic), <c>train()</c> at every epoch (frozen parts stay in eval mode), validation loss in
/// eval mode without gradients, early stopping on it, the best-validation weights kept, and after every epoch a
/// checkpoint, the metrics CSV and the timings CSV, all written atomically. Everything but the timings is a function of
/// the run alone: the same run writes the same bytes.
/// <para>
/// Batches come from delegates called with the 1-based epoch number. For <c>--resume</c> to reproduce an
/// uninterrupted run, a delegate must be a function of (seed, epoch) only — shuffle and augment with a generator
/// seeded from both, not one carried over from earlier epochs. Then a run resumed after epoch k gives, on the CPU,
/// the same losses as one that never stopped.
/// </para>
/// </summary>
public sealed class Trainer
{
    public const string CheckpointFile = "checkpoint.tensors";
    public const string BestWeightsFile = "best.tensors";
    public const string MetricsFile = "metrics.csv";

    private readonly IDetector model;
    private readonly TrainerOptions options;
    private readonly Func<int, IEnumerable<Batch>> trainingBatches;
    private readonly Func<int, IEnumerable<Batch>> validationBatches;
    private readonly YoloLoss loss;

    public Trainer(IDetector model, TrainerOptions options, Func<int, IEnumerable<Batch>> trainingBatches,
        Func<int, IEnumerable<Batch>> validationBatches)
    {
        if (options.MaxEpochs < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MaxEpochs, "at least one epoch");
        (this.model, this.options, this.trainingBatches, this.validationBatches) = (model, options, trainingBatches, validationBatches);
        loss = new YoloLoss(model.Heads);
    }

    public string CheckpointPath => Path.Combine(options.OutputDirectory, CheckpointFile);
    public string BestWeightsPath => Path.Combine(options.OutputDirectory, BestWeightsFile);
    public string MetricsPath => Path.Combine(options.OutputDirectory, MetricsFile);
    public string TimingsPath => Path.Combine(options.OutputDirectory, TimingsCsv.FileName);

    public TrainingResult Run(Action<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        var module = model.Module;
        var trainable = module.trainable_parameters().ToList();
        if (trainable.Count == 0) throw new InvalidOperationException("the model has no trainable parameters (is everything frozen?)");
        using var optimizer = new Adam(trainable, options.Schedule.BaseRate);
        var early = new EarlyStopping(options.Patience);
        var history = new List<EpochMetrics>();
        var timings = new List<EpochTiming>();
        var completed = 0;

        if (options.Resume && File.Exists(CheckpointPath))
        {
            var state = Checkpoint.Load(CheckpointPath, module, optimizer);
            if (state.Seed != options.Seed)
                throw new InvalidOperationException($"{CheckpointPath}: the checkpoint was trained with seed {state.Seed}, this run has seed {options.Seed}");
            early.Restore(state.BestEpoch, state.BestValidationLoss, state.EpochsWithoutImprovement);
            history.AddRange(state.History);
            completed = state.CompletedEpochs;
            timings.AddRange(TimingsCsv.ReadUpTo(TimingsPath, completed));
        }

        for (var epoch = completed + 1; epoch <= options.MaxEpochs && !early.ShouldStop; epoch++)
        {
            var clock = Stopwatch.StartNew();
            module.train();
            var (train, trainImages) = RunPhase(epoch, "train", trainingBatches(epoch), optimizer, clock, progress, cancellation,
                completed > 0 ? CheckpointPath : null);
            var trainSeconds = clock.Elapsed.TotalSeconds;

            module.eval();
            double[] validation;
            using (torch.no_grad())
                validation = RunPhase(epoch, "validate", validationBatches(epoch), null, clock, progress, cancellation,
                    completed > 0 ? CheckpointPath : null).Means;

            var metrics = new EpochMetrics(epoch, train[0], train[1], train[2], train[3], validation[0], validation[1], validation[2],
                validation[3], optimizer.LearningRate);
            history.Add(metrics);
            timings.Add(new EpochTiming(epoch, trainImages / Math.Max(trainSeconds, 1e-9), clock.Elapsed.TotalSeconds));
            if (early.Observe(epoch, metrics.ValidationTotal)) Checkpoint.SaveWeights(BestWeightsPath, module);
            completed = epoch;
            Checkpoint.Save(CheckpointPath, module, optimizer,
                new TrainingState(completed, options.Seed, early.BestEpoch, early.BestLoss, early.EpochsWithoutImprovement, history));
            MetricsCsv.Write(MetricsPath, history);
            TimingsCsv.Write(TimingsPath, timings);
        }

        if (options.RestoreBestWeights && File.Exists(BestWeightsPath)) Checkpoint.LoadWeights(BestWeightsPath, module);
        return new TrainingResult(history, timings, early.BestEpoch, early.BestLoss, early.ShouldStop, CheckpointPath, BestWeightsPath, MetricsPath);
    }

    /// <summary>One pass over a phase's batches; with an optimizer it trains. Returns mean components per image and the image count.</summary>
    private (double[] Means, int Images) RunPhase(int epoch, string phase, IEnumerable<Batch> batches, Optimizer? optimizer,
        Stopwatch clock, Action<TrainingProgress>? progress, CancellationToken cancellation, string? lastCheckpoint)
    {
        var sums = new double[4];
        var images = 0;
        var index = 0;
        int? count = batches switch
        {
            IReadOnlyCollection<Batch> c => c.Count,
            ICollection<Batch> c => c.Count,
            _ => null,
        };
        var start = clock.Elapsed;
        var device = model.Module.parameters().First().device;
        foreach (var batch in batches)
        {
            cancellation.ThrowIfCancellationRequested();
            using (batch)
            using (torch.NewDisposeScope())
            {
                var input = batch.Images.device == device ? batch.Images : batch.Images.to(device);
                var shape = input.shape;
                if (shape.Length != 4 || shape[1] != 3)
                    throw new ArgumentException($"epoch {epoch}, {phase} batch {index}: images have shape [{string.Join(", ", shape)}], expected N × 3 × H × W");
                using var outputs = model.Forward(input);
                using var components = loss.Compute(outputs.Raw, batch.Targets, (int)shape[3], (int)shape[2]);
                var values = components.Values();
                if (values.Any(v => !double.IsFinite(v))) throw new TrainingDivergedException(epoch, index, phase, values, lastCheckpoint);
                if (optimizer is not null)
                {
                    // Progress within the epoch is known when the source counts its batches; else the rate steps per epoch.
                    optimizer.LearningRate = options.Schedule.At(epoch - 1 + (count is { } c ? (double)index / c : 0), options.MaxEpochs);
                    optimizer.zero_grad();
                    components.Total.backward();
                    optimizer.step();
                }
                var n = (int)shape[0];
                for (var k = 0; k < 4; k++) sums[k] += values[k] * n;
                images += n;
            }
            index++;
            var seconds = (clock.Elapsed - start).TotalSeconds;
            progress?.Invoke(new TrainingProgress(epoch, options.MaxEpochs, phase, index, count, sums[3] / images,
                images / Math.Max(seconds, 1e-9), clock.Elapsed));
        }
        if (images == 0) throw new InvalidOperationException($"epoch {epoch}: the {phase} set gave no batches");
        return (sums.Select(s => s / images).ToArray(), images);
    }
}
