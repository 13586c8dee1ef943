using System.Runtime.InteropServices;

namespace Repro.Reporting.Snapshots.Calibration;

/// <summary>
/// One line naming the machine a calibration ran on — CPU model, the widest vector ISA it offers, logical CPUs — so
/// a reader of tolerances.json knows which perturbations were meaningful there (an ISA cap at AVX2 changes nothing
/// on a CPU without AVX-512).
/// </summary>
internal static class MachineDescription
{
    public static string Current()
    {
        var (model, flags) = ReadCpuInfo();
        var isa = flags.Contains("avx512f") ? "AVX-512" : flags.Contains("avx2") ? "AVX2" : flags.Contains("avx") ? "AVX" : flags.Count > 0 ? "SSE" : "unknown ISA";
        return $"{model} ({RuntimeInformation.OSArchitecture}, {isa}), {Environment.ProcessorCount} logical CPUs, {RuntimeInformation.OSDescription}";
    }

    private static (string Model, IReadOnlySet<string> Flags) ReadCpuInfo()
    {
        const string path = "/proc/cpuinfo";
        if (!File.Exists(path)) return ("unknown CPU", new HashSet<string>());
        string? model = null;
        var flags = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            var colon = line.IndexOf(':');
            if (colon < 0) continue;
            var (key, value) = (line[..colon].Trim(), line[(colon + 1)..].Trim());
            if (key == "model name" && model is null) model = value;
            else if (key == "flags" && flags.Count == 0) flags.UnionWith(value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }
        return (model ?? "unknown CPU", flags);
    }
}
