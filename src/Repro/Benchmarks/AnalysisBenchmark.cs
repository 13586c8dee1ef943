using System.Diagnostics;
using Repro.Data.Generation;
using Repro.Data.Loading;
using Repro.Data.Reading;
using Repro.Models;
using Repro.Models.Darknet;
using Repro.Similarity;
using Repro.Torch;

namespace Repro.Benchmarks;

/// <summary>Settings of <see cref="AnalysisBenchmark"/>: the paper's analysis at its full input size by default.</summary>
public sealed record AnalysisBenchmarkOptions
{
    public double Width { get; init; } = 1;
    public int Size { get; init; } = 416;
    public int Examples { get; init; } = 200;
    public double MemoryBudgetGiB { get; init; } = 8;
    public int BootstrapReplicates { get; init; } = 1000;
    public int BatchSize { get; init; } = 8;
    public Device Device { get; init; } = Device.CPU;
}

/// <summary>
/// The layer analysis as the analyze stage runs it, on real YOLOv3 networks rather than synthetic activations:
/// three untrained networks (seeds 1–3, as the three models), n generated street scenes letterboxed to the input size,
/// every layer's Gram captured within the memory budget (with activation statistics), then per-layer CKA, the
/// layer × layer maps, the Table 5 means and the bootstrap for the three pairs. Reports each phase's time, the Gram
/// passes and forwards, and the process's peak resident memory against the budget. At 416 px and width 1 the
/// activations of 200 images are 44 GB, so this is where the budgeted capture earns its keep (docs/similarity.md).
/// Untrained weights cost the same time as trained ones; the CKA values mean nothing here.
/// </summary>
public static class AnalysisBenchmark
{
    public static IReadOnlyList<BenchmarkRow> Run(AnalysisBenchmarkOptions options, Action<string>? log = null)
    {
        var rows = new List<BenchmarkRow>();
        var budget = (long)(options.MemoryBudgetGiB * (1L << 30));
        var what = $"w{options.Width} {options.Size}px n={options.Examples}";
        var root = Path.Combine(Path.GetTempPath(), "repro-analysis-bench-" + Guid.NewGuid().ToString("N"));
        var captures = new List<CaptureResult>();
        Tensor? pixels = null;
        try
        {
            var clock = Stopwatch.StartNew();
            pixels = GeneratedImages(options, root, out var ids);
            var images = ImageSet.FromTensor(pixels, ids);
            rows.Add(Row($"{what}: generate and letterbox the images", clock.Elapsed.TotalSeconds, "s"));

            var total = Stopwatch.StartNew();
            long forwards = 0, passes = 0, gramFlops = 0, peakHeld = 0;
            for (var model = 0; model < 3; model++)
            {
                clock.Restart();
                using var network = DarknetNetwork.Build(BuiltinCfgs.YoloV3(new ModelOverrides(Width: options.Width, Size: options.Size)), seed: model + 1, options.Device);
                var capture = GramCapture.Capture(network, images, null, new GramCaptureOptions(budget, options.BatchSize),
                    new Log(p => log?.Invoke($"model {model + 1}/3: {p}")));
                captures.Add(capture);
                passes += capture.Report.Passes;
                forwards += (long)capture.Report.Passes * options.Examples;
                gramFlops += capture.Report.GramFloatOps;
                peakHeld = Math.Max(peakHeld, capture.Report.PeakHeldBytes);
                rows.Add(Row($"{what}: capture model {model + 1} ({capture.Report.Passes} passes, {capture.Report.SplitLayers} layers split)", clock.Elapsed.TotalSeconds, "s"));
            }
            var captureSeconds = total.Elapsed.TotalSeconds;
            rows.Add(Row($"{what}: Gram passes, 3 models", passes, "passes"));
            rows.Add(Row($"{what}: image forwards (each stops at its pass's last layer)", forwards, "images"));
            rows.Add(Row($"{what}: Gram products over the whole capture", gramFlops / captureSeconds / 1e9, "GFLOP/s"));

            clock.Restart();
            var centered = captures.Select(c => c.Grams.Centered()).ToList();
            try
            {
                foreach (var (i, j) in SimilarityBenchmark.ModelPairs)
                {
                    CkaComparison.Means(CkaComparison.PerLayer(centered[i], centered[j]));
                    CkaComparison.LayerByLayer(centered[i], centered[j]);
                }
                rows.Add(Row($"{what}: per-layer CKA, 107×107 maps and means, 3 pairs", clock.Elapsed.TotalSeconds, "s"));
                clock.Restart();
                foreach (var (i, j) in SimilarityBenchmark.ModelPairs)
                    CkaBootstrap.Run(centered[i], centered[j], new BootstrapOptions(options.BootstrapReplicates), NamedLayerRange.YoloV3Parts);
                rows.Add(Row($"{what}: bootstrap, {options.BootstrapReplicates} replicates, 3 pairs", clock.Elapsed.TotalSeconds, "s"));
            }
            finally
            {
                foreach (var c in centered) c.Dispose();
            }
            rows.Add(Row($"{what}: whole analysis (3 models × {captures[0].Grams.Layers.Count} layers), {options.MemoryBudgetGiB:0.#} GiB budget", total.Elapsed.TotalSeconds, "s"));
            rows.Add(new BenchmarkRow("analysis", $"{what}: capture peak held (own accounting)", peakHeld / 1e9, "GB", (double)peakHeld / budget, "memory budget"));
            var resident = Process.GetCurrentProcess().PeakWorkingSet64;
            rows.Add(new BenchmarkRow("analysis", $"{what}: process peak resident set", resident / 1e9, "GB", (double)resident / budget, "memory budget"));
        }
        finally
        {
            foreach (var c in captures) c.Dispose();
            pixels?.Dispose();
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
        return rows;
    }

    /// <summary>Real-domain scenes at 16:9, letterboxed into one float tensor (n × 3 × s × s: 415 MB at 416 px).</summary>
    private static Tensor GeneratedImages(AnalysisBenchmarkOptions options, string root, out IReadOnlyList<string> ids)
    {
        var size = options.Size;
        StreetSceneGenerator.Generate(new GeneratorOptions { Domain = Domain.Real, Count = options.Examples, Seed = 0, Width = size, Height = size * 9 / 16 }, root);
        var read = DatasetSource.TryDetect(root)!.Read().Images;
        var pixels = new float[read.Count * 3 * size * size];
        for (var i = 0; i < read.Count; i++)
        {
            using var image = Image.Read(read[i].ImagePath);
            Letterbox.Apply(image, size, pixels.AsSpan(i * 3 * size * size, 3 * size * size));
        }
        using var cpu = torch.tensor(pixels, read.Count, 3, size, size);
        ids = read.Select(r => r.Id).ToList();
        return cpu.to(options.Device).DetachFromDisposeScope();
    }

    /// <summary>Reports on the capturing thread, in order (<see cref="Progress{T}"/> would post to the thread pool).</summary>
    private sealed class Log(Action<string> write) : IProgress<string>
    {
        public void Report(string value) => write(value);
    }

    private static BenchmarkRow Row(string name, double value, string unit) => new("analysis", name, value, unit, null, "");
}
