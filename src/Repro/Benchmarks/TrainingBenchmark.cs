using System.Diagnostics;
using Repro.Data;
using Repro.Models.Darknet;
using Repro.Torch;
using Repro.Torch.Optim;
using Repro.Training;

namespace Repro.Benchmarks;

/// <summary>One trained configuration: YOLOv3 at a width and square input size, stepped in batches of this size.</summary>
public sealed record TrainingConfig(double Width, int Size, int BatchSize)
{
    public override string ToString() => $"YOLOv3 w{Width} {Size}px batch {BatchSize}";
}

/// <summary>What <see cref="TrainingBenchmark"/> times; the defaults are the smoke profile's model and the paper's.</summary>
public sealed record TrainingBenchmarkOptions
{
    /// <summary>The smoke profile's detector (width 0.25, 160 px, batch 8; a test keeps this in step with
    /// experiments/profiles/smoke.json) and the paper's (width 1, 416 px, batch 8).</summary>
    public IReadOnlyList<TrainingConfig> Configs { get; init; } = [new(0.25, 160, 8), new(1, 416, 8)];

    public Device Device { get; init; } = Device.CPU;
    public int Classes { get; init; } = 5;
    public int WarmupSteps { get; init; } = 1;

    /// <summary>Timed steps continue until this much time has passed and at least <see cref="MinSteps"/> ran.</summary>
    public double MinSeconds { get; init; } = 3;
    public int MinSteps { get; init; } = 2;

    /// <summary>Ground-truth boxes per image (the generated street scenes average about this many).</summary>
    public int BoxesPerImage { get; init; } = 8;
    public long Seed { get; init; }
}

/// <summary>Seconds per step of each part of a training step, and their sum.</summary>
public sealed record StepPhases(double Forward, double Loss, double Backward, double Update)
{
    public double Total => Forward + Loss + Backward + Update;

    public static StepPhases operator +(StepPhases a, StepPhases b) =>
        new(a.Forward + b.Forward, a.Loss + b.Loss, a.Backward + b.Backward, a.Update + b.Update);

    public StepPhases Over(int steps) => new(Forward / steps, Loss / steps, Backward / steps, Update / steps);
}

/// <summary>
/// One configuration's measurement. <see cref="AchievedGflopsPerSecond"/> counts 3 × the forward FLOPs per image,
/// so its ratio to the measured conv peak is the achieved rate over the rate the FLOP floor allows
/// (<see cref="FloorRatio"/>).
/// </summary>
public sealed record TrainingBenchmarkRow(TrainingConfig Config, string Device, int Steps, StepPhases SecondsPerStep,
    double GflopsPerImage)
{
    public double ImagesPerSecond => Config.BatchSize / SecondsPerStep.Total;

    public double AchievedGflopsPerSecond => ImagesPerSecond * 3 * GflopsPerImage;

    /// <summary>Images/s the FLOP floor allows at a conv peak: peak / (3 × FLOPs per image).</summary>
    public double FloorImagesPerSecond(double peakGflopsPerSecond) => peakGflopsPerSecond / (3 * GflopsPerImage);

    public double FloorRatio(double peakGflopsPerSecond) => ImagesPerSecond / FloorImagesPerSecond(peakGflopsPerSecond);
}

/// <summary>
/// Training steps as <see cref="Trainer"/> takes them — forward in train mode, the YOLOv3 loss, backward, an Adam
/// step — on random images with random boxes (the data pipeline is timed on its own by <see cref="DataBenchmark"/>
/// and prefetches on other threads), each phase timed apart so a slow step says where its time goes.
/// </summary>
public static class TrainingBenchmark
{
    public static IEnumerable<TrainingBenchmarkRow> Run(TrainingBenchmarkOptions options)
    {
        foreach (var config in options.Configs)
            yield return Measure(config, options);
    }

    public static TrainingBenchmarkRow Measure(TrainingConfig config, TrainingBenchmarkOptions options)
    {
        using var rig = new Rig(config, options);
        for (var i = 0; i < options.WarmupSteps; i++) rig.Step();
        var sum = new StepPhases(0, 0, 0, 0);
        var steps = 0;
        var clock = Stopwatch.StartNew();
        while (steps < options.MinSteps || clock.Elapsed.TotalSeconds < options.MinSeconds)
        {
            sum += rig.Step();
            steps++;
        }
        return new TrainingBenchmarkRow(config, options.Device.ToString(), steps, sum.Over(steps), rig.Network.FlopsPerImage(config.Size, config.Size) / 1e9);
    }

    /// <summary>
    /// Records <paramref name="steps"/> training steps, taken exactly as <see cref="Measure"/> takes them, into
    /// <paramref name="path"/> after the options' warm-up steps: op by op with <see cref="torch.profiler"/>, for
    /// comparison with PyTorch's profile of the same model.
    /// </summary>
    public static void Profile(TrainingConfig config, TrainingBenchmarkOptions options, string path, int steps)
    {
        using var rig = new Rig(config, options);
        for (var i = 0; i < options.WarmupSteps; i++) rig.Step();
        using var _ = torch.profiler.Record(path);
        for (var i = 0; i < steps; i++) rig.Step(); // each step ends with a device synchronization (its last Lap)
    }

    /// <summary>A configuration set up for stepping: the network in train mode, Adam, the loss, images and boxes.</summary>
    private sealed class Rig : IDisposable
    {
        private readonly TrainingConfig config;
        private readonly Device device;
        private readonly Adam optimizer;
        private readonly YoloLoss loss;
        private readonly Tensor images;
        private readonly List<IReadOnlyList<BoundingBox>> targets;

        internal Rig(TrainingConfig config, TrainingBenchmarkOptions options)
        {
            if (config.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(config), config.BatchSize, "batch size must be at least 1");
            (this.config, device) = (config, options.Device);
            var cfg = BuiltinCfgs.YoloV3(new ModelOverrides(options.Classes, config.Width, config.Size));
            Network = DarknetNetwork.Build(cfg, options.Seed, options.Device);
            Network.train();
            optimizer = new Adam(Network.trainable_parameters().ToList(), 1e-4);
            loss = new YoloLoss(Network.Heads);
            using var generator = new Generator(options.Seed);
            using var cpuImages = torch.rand([config.BatchSize, 3, config.Size, config.Size], generator);
            images = cpuImages.to(options.Device);
            targets = RandomBoxes(config, options);
        }

        internal DarknetNetwork Network { get; }

        internal StepPhases Step() => TrainingBenchmark.Step(Network, loss, optimizer, images, targets, config, device);

        public void Dispose()
        {
            images.Dispose();
            optimizer.Dispose();
            Network.Dispose();
        }
    }

    private static StepPhases Step(DarknetNetwork network, YoloLoss loss, Optimizer optimizer, Tensor images,
        IReadOnlyList<IReadOnlyList<BoundingBox>> targets, TrainingConfig config, Device device)
    {
        using var scope = torch.NewDisposeScope();
        var clock = Stopwatch.StartNew();
        double Lap()
        {
            if (device.Type == DeviceType.CUDA) torch.cuda.synchronize(Math.Max(device.Index, 0));
            var seconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            return seconds;
        }

        var outputs = network.Forward(images);
        var forward = Lap();
        using var components = loss.Compute(outputs.Raw, targets, config.Size, config.Size);
        components.Values(); // the trainer reads the values every step, to stop on a non-finite loss
        var lossSeconds = Lap();
        optimizer.zero_grad();
        components.Total.backward();
        var backward = Lap();
        optimizer.step();
        return new StepPhases(forward, lossSeconds, backward, Lap());
    }

    /// <summary>Boxes of 5–50 % of the input side, centres anywhere, classes at random: the loss's work depends
    /// on the box count, not on what the boxes show.</summary>
    private static List<IReadOnlyList<BoundingBox>> RandomBoxes(TrainingConfig config, TrainingBenchmarkOptions options)
    {
        var random = new Random(unchecked((int)options.Seed));
        var size = (float)config.Size;
        return Enumerable.Range(0, config.BatchSize).Select(_ => (IReadOnlyList<BoundingBox>)Enumerable.Range(0, options.BoxesPerImage)
            .Select(_ =>
            {
                var (w, h) = (size * (0.05f + 0.45f * random.NextSingle()), size * (0.05f + 0.45f * random.NextSingle()));
                var (x, y) = (random.NextSingle() * (size - w), random.NextSingle() * (size - h));
                return new BoundingBox((CommonClass)random.Next(options.Classes), x, y, x + w, y + h);
            }).ToList()).ToList();
    }
}
