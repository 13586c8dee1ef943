using System.Diagnostics;
using Repro.Models.Darknet;
using Repro.Torch;

namespace Repro.Benchmarks;

/// <summary>What one benchmark row times: inference, or a training step's forward and backward.</summary>
public enum ModelPass
{
    /// <summary>Eval mode, no gradients (what layer analysis and evaluation do).</summary>
    Forward,

    /// <summary>Train mode, forward then backward of a scalar loss over the three outputs (no optimizer step).</summary>
    ForwardBackward,
}

/// <summary>
/// One measurement. <see cref="GflopsPerImage"/> is the model's forward cost (2·K·K·Cin·Cout·H·W per conv);
/// a forward+backward pass is counted as 3× that (the backward computes gradients for inputs and weights, each
/// as costly as the forward), the usual convention. Divide <see cref="AchievedGflopsPerSecond"/> by the measured
/// conv peak for a ratio (<see cref="PeakRatio"/>).
/// </summary>
public sealed record ModelBenchmarkRow(double Width, int Size, int BatchSize, ModelPass Pass, string Device, int Iterations,
    double SecondsPerBatch, double ImagesPerSecond, double GflopsPerImage, double AchievedGflopsPerSecond)
{
    public double PeakRatio(double peakGflopsPerSecond) => AchievedGflopsPerSecond / peakGflopsPerSecond;
}

/// <summary>Which YOLOv3 variants to time and how long; the defaults are the grid.</summary>
public sealed record ModelBenchmarkOptions
{
    public IReadOnlyList<double> Widths { get; init; } = [1, 0.5, 0.25];
    public IReadOnlyList<int> Sizes { get; init; } = [416, 256, 128];
    public IReadOnlyList<ModelPass> Passes { get; init; } = [ModelPass.Forward, ModelPass.ForwardBackward];
    public int BatchSize { get; init; } = 8;
    public Device Device { get; init; } = Device.CPU;
    public int Classes { get; init; } = 5;
    public int WarmupIterations { get; init; } = 2;

    /// <summary>Timed iterations continue until this much time has passed and at least <see cref="MinIterations"/> ran.</summary>
    public double MinSeconds { get; init; } = 1;
    public int MinIterations { get; init; } = 3;
    public long Seed { get; init; } = 0;
}

/// <summary>Forward and forward+backward throughput of YOLOv3 across widths and input sizes.</summary>
public static class ModelBenchmark
{
    /// <summary>Forward FLOPs per image of YOLOv3 at a width and square size (the trainer's benchmark uses it too).</summary>
    public static long FlopsPerImage(double width, int size, int classes = 5) =>
        FlopsPerImage(BuiltinCfgs.YoloV3(new ModelOverrides(classes, width, size)), size);

    public static long FlopsPerImage(DarknetCfg cfg, int size) => LayerShapes.Infer(cfg, size, size).Sum(s => s.Flops);

    public static IReadOnlyList<ModelBenchmarkRow> Run(ModelBenchmarkOptions options, Action<ModelBenchmarkRow>? onRow = null)
    {
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "batch size must be at least 1");
        var rows = new List<ModelBenchmarkRow>();
        foreach (var width in options.Widths)
        {
            using var network = Network(options, width);
            foreach (var size in options.Sizes)
            {
                using var images = Images(options, size);
                var flops = network.FlopsPerImage(size, size);
                foreach (var pass in options.Passes)
                {
                    var row = Measure(network, images, pass, options) with { Width = width, Size = size };
                    row = row with
                    {
                        GflopsPerImage = flops / 1e9,
                        AchievedGflopsPerSecond = row.ImagesPerSecond * flops * (pass == ModelPass.ForwardBackward ? 3 : 1) / 1e9,
                    };
                    rows.Add(row);
                    onRow?.Invoke(row);
                }
            }
        }
        return rows;
    }

    /// <summary>
    /// Records <paramref name="iterations"/> eval forwards (no grad, as <see cref="ModelPass.Forward"/> times them) of
    /// the first width and size of <paramref name="options"/> into <paramref name="path"/>, after the options' warm-up
    /// iterations: op by op with <see cref="torch.profiler"/>, for comparison with PyTorch's profile of the same model.
    /// </summary>
    public static void ProfileForward(ModelBenchmarkOptions options, string path, int iterations)
    {
        var (width, size) = (options.Widths[0], options.Sizes[0]);
        using var network = Network(options, width);
        using var images = Images(options, size);
        network.eval();
        for (var i = 0; i < options.WarmupIterations; i++) Once(network, images, ModelPass.Forward);
        Synchronize(options.Device);
        using (torch.profiler.Record(path))
        {
            for (var i = 0; i < iterations; i++) Once(network, images, ModelPass.Forward);
            Synchronize(options.Device);
        }
        network.train();
    }

    private static DarknetNetwork Network(ModelBenchmarkOptions options, double width) =>
        DarknetNetwork.Build(BuiltinCfgs.YoloV3(new ModelOverrides(options.Classes, width)), options.Seed, options.Device);

    /// <summary>A batch of uniform random images, drawn on the CPU from the options' seed and moved to the device.</summary>
    private static Tensor Images(ModelBenchmarkOptions options, int size)
    {
        using var generator = new Generator(options.Seed);
        using var cpuImages = torch.rand([options.BatchSize, 3, size, size], generator);
        return cpuImages.to(options.Device);
    }

    private static void Once(DarknetNetwork network, Tensor images, ModelPass pass)
    {
        using var scope = torch.NewDisposeScope();
        if (pass == ModelPass.Forward)
        {
            using var _ = torch.no_grad();
            network.Forward(images);
        }
        else
        {
            var outputs = network.Forward(images).Raw;
            var loss = outputs.Select(o => o.mean()).Aggregate((a, b) => a + b);
            loss.backward();
            network.zero_grad();
        }
    }

    private static void Synchronize(Device device)
    {
        if (device.Type == DeviceType.CUDA) torch.cuda.synchronize(Math.Max(device.Index, 0));
    }

    private static ModelBenchmarkRow Measure(DarknetNetwork network, Tensor images, ModelPass pass, ModelBenchmarkOptions options)
    {
        void Once() => ModelBenchmark.Once(network, images, pass);

        void Synchronize() => ModelBenchmark.Synchronize(options.Device);

        if (pass == ModelPass.Forward) network.eval();
        else network.train();
        for (var i = 0; i < options.WarmupIterations; i++) Once();
        Synchronize();
        var clock = Stopwatch.StartNew();
        var iterations = 0;
        while (iterations < options.MinIterations || clock.Elapsed.TotalSeconds < options.MinSeconds)
        {
            Once();
            iterations++;
            if (iterations >= options.MinIterations) Synchronize();
        }
        Synchronize();
        var seconds = clock.Elapsed.TotalSeconds / iterations;
        network.train();
        return new ModelBenchmarkRow(0, 0, options.BatchSize, pass, options.Device.ToString(), iterations, seconds,
            options.BatchSize / seconds, 0, 0);
    }
}
