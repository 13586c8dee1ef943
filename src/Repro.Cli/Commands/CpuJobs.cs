using System.Globalization;
using Repro.Experiments;

namespace Repro.Cli.Commands;

/// <summary>
/// How many tasks a study on a CPU runs at once when --jobs is not given: one per core, each worker on one thread.
/// Two ci trainings side by side (one thread each) finished 1.6–1.8× sooner than the same two one after the other
/// on both cores of the 2-core development machine: intra-op threads buy little on the small tensors of the small
/// profiles. It also keeps a task's float rounding independent of the core count, since every task runs on one
/// thread on any machine. A study on a GPU runs one task at a time unless --devices names several.
/// </summary>
internal static class CpuJobs
{
    /// <summary>Overrides the default (e.g. REPRO_JOBS=1: tasks one after another, each on every core).</summary>
    public const string Variable = "REPRO_JOBS";

    /// <summary>The threads this process may use: OMP_NUM_THREADS when set, else every logical CPU.</summary>
    public static int Cores =>
        int.TryParse(Environment.GetEnvironmentVariable("OMP_NUM_THREADS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : Environment.ProcessorCount;

    /// <summary>The threads each of <paramref name="slots"/> tasks side by side gets: the cores split evenly.</summary>
    public static int ThreadsPerTask(int slots) => Math.Max(1, Cores / Math.Max(1, slots));

    public static int Default(StudyContext context)
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given)
            return int.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new ArgumentException($"{Variable} must be a positive whole number of jobs, not '{given}'");
        var device = Environment.GetEnvironmentVariable("REPRO_DEVICE") is { Length: > 0 } d ? d : context.Profile.Device;
        return device.StartsWith("cuda", StringComparison.OrdinalIgnoreCase) ? 1 : Cores;
    }
}
