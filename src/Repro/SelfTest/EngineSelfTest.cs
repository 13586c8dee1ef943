using System.Diagnostics;
using Repro.Torch;

namespace Repro.SelfTest;

/// <summary>
/// Runs the engine's checks on a device against the CPU in float64: what a user runs first on a new machine, and
/// what a GPU runner runs before it trains anything.
/// </summary>
internal static class EngineSelfTest
{
    public static IReadOnlyList<EngineCheckResult> Run(Device device, IReadOnlyList<EngineCheck>? checks = null, Action<EngineCheckResult>? onResult = null)
    {
        if (device.Type == DeviceType.CUDA)
        {
            if (!torch.cuda.is_available())
                throw new InvalidOperationException($"{device} asked for, but this libtorch has no CUDA (or sees no GPU): build the shim against a CUDA libtorch (LIBTORCH_DIR)");
            if (Math.Max(device.Index, 0) >= torch.cuda.device_count())
                throw new InvalidOperationException($"{device} asked for, but only {torch.cuda.device_count()} GPU(s) are visible");
            // As a study on a GPU runs: deterministic kernels, float32 without TF32.
            torch.use_deterministic_algorithms();
        }
        var results = new List<EngineCheckResult>();
        foreach (var check in checks ?? EngineChecks.All)
        {
            var clock = Stopwatch.StartNew();
            EngineCheckResult result;
            try
            {
                var obtained = check.Compute(device, ScalarType.Float32);
                var reference = check.Compute(Device.CPU, ScalarType.Float64);
                var (part, error) = PartComparison.Worst(obtained, reference, check.Norm);
                result = new EngineCheckResult(check, part, error, clock.Elapsed);
            }
            catch (Exception e) when (e is TorchException or InvalidOperationException or ArgumentException)
            {
                // One failing op is a result of the self-test, not the end of it: the other checks still say something.
                result = new EngineCheckResult(check, "error: " + e.Message.Split('\n')[0], double.NaN, clock.Elapsed);
            }
            results.Add(result);
            onResult?.Invoke(result);
        }
        return results;
    }
}
