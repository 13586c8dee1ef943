using System.Diagnostics;
using Repro.Similarity;
using Repro.Torch;

namespace Repro.Benchmarks;

/// <summary>
/// Speed and memory of the layer analysis: float64/float32 matmul peaks of this machine, Gram GFLOP/s against the
/// float64 peak, the whole analysis of three models × 107 YOLOv3-shaped layers (capture with statistics, per-layer
/// CKA, layer × layer maps and means for the three pairs, bootstrap of the per-layer CKA and of the map tiles) at 32×32 with n = 200, its peak memory against
/// the budget, and the plan (passes, bytes) the default budget gives YOLOv3 width 1 at 416×416.
/// </summary>
public static class SimilarityBenchmark
{
    /// <summary>The study's three model pairs as indices into three captures (U-Real–U-Synthetic, U-Real–F-Synthetic, …).</summary>
    internal static readonly (int, int)[] ModelPairs = [(0, 1), (0, 2), (1, 2)];

    public static IReadOnlyList<BenchmarkRow> Run(int examples = 200, int inputSize = 32, int bootstrapReplicates = 200,
        long memoryBudgetBytes = GramCaptureOptions.DefaultBudget, int matmulSize = 1024)
    {
        var rows = new List<BenchmarkRow>();
        var peak64 = MatmulGflops(matmulSize, ScalarType.Float64);
        var peak32 = MatmulGflops(matmulSize, ScalarType.Float32);
        rows.Add(Row("matmul float64 peak", peak64, "GFLOP/s", double.NaN));
        rows.Add(Row("matmul float32 peak", peak32, "GFLOP/s", peak32 / peak64, "float64 matmul peak"));

        var gram = GramGflops(examples, features: 32 * 32 * 64);
        rows.Add(Row($"Gram n={examples} p=65536 (float32 in, float64 product)", gram, "GFLOP/s", gram / peak64, "float64 matmul peak"));

        var shapes = YoloV3LayerShapes.Of(inputSize);
        var captures = new List<CaptureResult>();
        try
        {
            var total = Stopwatch.StartNew();
            var stage = Stopwatch.StartNew();
            long capturedFlops = 0, peakHeld = 0;
            for (var model = 0; model < 3; model++)
            {
                using var network = new SyntheticActivationNetwork(shapes, seed: 100 + model);
                using var images = torch.zeros([examples, 3, inputSize, inputSize]);
                var set = ImageSet.FromTensor(images, Enumerable.Range(0, examples).Select(i => $"image{i}").ToList());
                var capture = GramCapture.Capture(network, set, options: new GramCaptureOptions(memoryBudgetBytes, BatchSize: 8));
                captures.Add(capture);
                capturedFlops += capture.Report.GramFloatOps;
                peakHeld = Math.Max(peakHeld, capture.Report.PeakHeldBytes);
            }
            var captureSeconds = stage.Elapsed.TotalSeconds;
            rows.Add(Row($"capture 3 models × 107 layers at {inputSize}×{inputSize}, n={examples} (synthetic activations)", captureSeconds, "s", double.NaN));
            rows.Add(Row("capture Gram products", capturedFlops / captureSeconds / 1e9, "GFLOP/s (whole capture)", capturedFlops / captureSeconds / 1e9 / peak64, "float64 matmul peak"));

            stage.Restart();
            var centered = captures.Select(c => c.Grams.Centered()).ToList();
            try
            {
                foreach (var (i, j) in ModelPairs)
                {
                    var perLayer = CkaComparison.PerLayer(centered[i], centered[j]);
                    CkaComparison.Means(perLayer);
                    CkaComparison.LayerByLayer(centered[i], centered[j]);
                }
                rows.Add(Row("per-layer CKA + 107×107 maps + means, 3 pairs", stage.Elapsed.TotalSeconds, "s", double.NaN));

                stage.Restart();
                foreach (var (i, j) in ModelPairs)
                    CkaBootstrap.Run(centered[i], centered[j], new BootstrapOptions(bootstrapReplicates));
                rows.Add(Row($"bootstrap {bootstrapReplicates} replicates, 3 pairs", stage.Elapsed.TotalSeconds, "s", double.NaN));

                stage.Restart();
                var segments = LayerSegments.YoloV3Blocks;
                foreach (var (i, j) in ModelPairs)
                    CkaBootstrap.MapTileReplicates(centered[i], centered[j], segments, new BootstrapOptions(bootstrapReplicates));
                var tileSeconds = stage.Elapsed.TotalSeconds;
                // Per replicate and model: the segment sums (S × L by L × n²), Kw and the norms' quadratic terms (L × n² each);
                // per replicate: the S × S segment inner products (S² × n²).
                var (s, l, n2) = ((double)segments.Count, (double)segments.LayerCount, (double)examples * examples);
                var tileFlops = ModelPairs.Length * bootstrapReplicates * (2 * 2 * n2 * (s * l + 2 * l) + 2 * s * s * n2);
                rows.Add(Row($"map-tile bootstrap {bootstrapReplicates} replicates, 3 pairs", tileSeconds, "s", double.NaN));
                rows.Add(Row("map-tile bootstrap products", tileFlops / tileSeconds / 1e9, "GFLOP/s", tileFlops / tileSeconds / 1e9 / peak64, "float64 matmul peak"));
            }
            finally
            {
                foreach (var c in centered) c.Dispose();
            }
            rows.Add(Row("whole analysis", total.Elapsed.TotalSeconds, "s", double.NaN));
            rows.Add(Row("capture peak held (own accounting)", peakHeld / 1e6, "MB", (double)peakHeld / memoryBudgetBytes, "memory budget"));
            var process = Process.GetCurrentProcess().PeakWorkingSet64;
            rows.Add(Row("process peak resident set", process / 1e6, "MB", (double)process / memoryBudgetBytes, "memory budget"));
        }
        finally
        {
            foreach (var c in captures) c.Dispose();
        }

        var plan416 = PlanFor(YoloV3LayerShapes.Of(416), examples, memoryBudgetBytes);
        rows.Add(Row($"416×416 width 1, n={examples}: activations (float32)", plan416.ActivationBytes / 1e9, "GB", plan416.ActivationBytes / (double)memoryBudgetBytes, "memory budget"));
        rows.Add(Row("416×416 width 1: forward passes under the budget", plan416.Passes, "passes", double.NaN));
        rows.Add(Row("416×416 width 1: largest pass held", plan416.LargestPassBytes / 1e9, "GB", plan416.LargestPassBytes / (double)memoryBudgetBytes, "memory budget"));
        return rows;
    }

    /// <summary>The plan a capture would make (same accounting as <see cref="GramCapture"/>), without running it.</summary>
    internal static (int Passes, long ActivationBytes, long LargestPassBytes) PlanFor(IReadOnlyList<(int Channels, int Height, int Width)> shapes, int examples, long budget)
    {
        var layers = shapes.Select((s, i) => (i, (long)s.Channels * s.Height * s.Width, 4)).ToList();
        var free = budget - (long)layers.Count * examples * examples * 8 - layers.Count * ActivationStatistics.FootprintBytes;
        var slabs = free - Math.Max((long)examples * 8, free / 8);
        var plan = CapturePlan.Create(layers, examples, slabs);
        return (plan.Passes, layers.Sum(l => l.Item2) * examples * 4, plan.LargestPassBytes(examples, _ => 4));
    }

    private static double MatmulGflops(int size, ScalarType dtype)
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(1);
        var a = torch.randn([size, size], generator, dtype);
        var b = torch.randn([size, size], generator, dtype);
        return BestGflops(2.0 * size * size * size, () => a.matmul(b).Dispose());
    }

    private static double GramGflops(int examples, int features)
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(2);
        var x = torch.randn([examples, features], generator);
        return BestGflops(2.0 * examples * examples * features, () => LinearCka.GramLinear(x).Dispose());
    }

    /// <summary>Best of five timed runs after one warm-up, so a busy machine disturbs the figure less.</summary>
    private static double BestGflops(double flops, Action run)
    {
        run();
        var best = double.MaxValue;
        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            run();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        return flops / best / 1e9;
    }

    private static BenchmarkRow Row(string name, double value, string unit, double ratio, string ratioTo = "") =>
        new("similarity", name, value, unit, double.IsNaN(ratio) ? null : ratio, ratioTo);
}

