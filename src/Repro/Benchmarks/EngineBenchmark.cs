using System.Diagnostics;
using System.Globalization;
using Repro.Torch;
using Repro.Torch.NN;

namespace Repro.Benchmarks;

/// <summary>
/// The binding against libtorch itself: conv forward+backward at YOLOv3-like shapes through .NET and through the
/// C++ API directly (repro_torch_bench, built beside the shim), and the binding's overhead per call on tiny tensors.
/// </summary>
public static class EngineBenchmark
{
    /// <summary>A conv layer's shape: batch, in channels, square size, out channels, kernel, stride.</summary>
    public sealed record ConvShape(int N, int C, int H, int K, int Kernel, int Stride)
    {
        public int OutH => (H + 2 * (Kernel / 2) - Kernel) / Stride + 1;

        /// <summary>FLOPs of forward + backward (input and weight gradients): 3 × 2·N·K·C·k²·Ho·Wo.</summary>
        public double TrainFlops => 3.0 * 2 * N * K * C * Kernel * Kernel * OutH * OutH;

        public override string ToString() => $"{C}→{K} {Kernel}x{Kernel}/{Stride} @{H} n{N}";
    }

    /// <summary>Stages of YOLOv3 at 416 (width 1): the 208, 52 and 13 grids, a 3×3 and a 1×1 conv.</summary>
    public static IReadOnlyList<ConvShape> YoloLikeShapes { get; } =
    [
        new(4, 32, 208, 64, 3, 1),
        new(4, 128, 52, 256, 3, 1),
        new(4, 256, 52, 128, 1, 1),
        new(4, 512, 13, 1024, 3, 1),
        new(4, 256, 104, 512, 3, 2),
    ];

    public static IEnumerable<BenchmarkRow> Run(int repeats = 5)
    {
        var threads = torch.get_num_threads();
        var direct = new List<double>();
        foreach (var shape in YoloLikeShapes)
        {
            var binding = TimeConvThroughBinding(shape, repeats);
            var cpp = TimeConvDirect(shape, repeats, threads);
            var gflops = shape.TrainFlops / binding / 1e9;
            direct.Add(shape.TrainFlops / cpp / 1e9);
            yield return new BenchmarkRow("conv fwd+bwd", shape.ToString(), gflops, "GFLOP/s", cpp / binding, "direct libtorch C++");
        }
        var peak = direct.Max();
        yield return new BenchmarkRow("conv fwd+bwd", "measured peak (direct C++, best shape)", peak, "GFLOP/s");

        var tinyBinding = TimeTinyAddThroughBinding();
        var tinyDirect = TimeTinyDirect(threads);
        yield return new BenchmarkRow("per-op overhead", "add of 1-element tensors, .NET", tinyBinding * 1e6, "µs");
        yield return new BenchmarkRow("per-op overhead", "add of 1-element tensors, C++", tinyDirect * 1e6, "µs");
        yield return new BenchmarkRow("per-op overhead", "binding overhead per op", (tinyBinding - tinyDirect) * 1e6, "µs", (tinyBinding - tinyDirect) / 2e-6, "2 µs target");
    }

    /// <summary>The conv peak alone: the best forward+backward rate of the shapes above through libtorch's C++ API.</summary>
    public static double MeasureConvPeak(int repeats = 5)
    {
        var threads = torch.get_num_threads();
        return YoloLikeShapes.Max(s => s.TrainFlops / TimeConvDirect(s, repeats, threads) / 1e9);
    }

    private static double TimeConvThroughBinding(ConvShape s, int repeats)
    {
        using var g = new Generator(0);
        using var x = torch.randn([s.N, s.C, s.H, s.H], g).requires_grad_();
        using var w = (torch.randn([s.K, s.C, s.Kernel, s.Kernel], g) * 0.01).requires_grad_();
        void Step()
        {
            using var scope = torch.NewDisposeScope();
            functional.conv2d(x, w, null, s.Stride, s.Kernel / 2).sum().backward();
            x.clear_grad();
            w.clear_grad();
        }
        Step();
        var best = double.MaxValue;
        for (var r = 0; r < repeats; r++)
        {
            var t = Stopwatch.GetTimestamp();
            Step();
            best = Math.Min(best, Stopwatch.GetElapsedTime(t).TotalSeconds);
        }
        return best;
    }

    private static double TimeTinyAddThroughBinding()
    {
        using var a = torch.ones([1]);
        using var b = torch.ones([1]);
        const int inner = 100_000;
        var best = double.MaxValue;
        for (var r = 0; r < 5; r++)
        {
            var t = Stopwatch.GetTimestamp();
            for (var i = 0; i < inner; i++)
            {
                using var c = a + b;
            }
            best = Math.Min(best, Stopwatch.GetElapsedTime(t).TotalSeconds / inner);
        }
        return best;
    }

    private static double TimeConvDirect(ConvShape s, int repeats, int threads) =>
        RunDirect("conv", threads, repeats, s.N, s.C, s.H, s.H, s.K, s.Kernel, s.Stride);

    private static double TimeTinyDirect(int threads) => RunDirect("tiny", threads, 5);

    /// <summary>Runs repro_torch_bench (see native/bench.cpp) and reads its one number: seconds per iteration.</summary>
    private static double RunDirect(string mode, int threads, int repeats, params int[] args)
    {
        var exe = Path.Combine(AppContext.BaseDirectory, "repro_torch_bench");
        if (!File.Exists(exe)) throw new FileNotFoundException($"{exe} not found: build the native code (./build.sh --target Native)", exe);
        var info = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { mode, threads.ToString(CultureInfo.InvariantCulture), repeats.ToString(CultureInfo.InvariantCulture) }
                     .Concat(args.Select(a => a.ToString(CultureInfo.InvariantCulture))))
            info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"repro_torch_bench {mode} failed: {error}");
        return double.Parse(output.Trim(), CultureInfo.InvariantCulture);
    }
}
