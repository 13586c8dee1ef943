using System.Globalization;
using Repro.Experiments;

namespace Repro.Cli.Commands;

/// <summary>
/// How many tasks a study on a CPU runs at once when --jobs is not given, and on how many threads each: by default one
/// task per core, each on one thread. Two ci trainings side by side (one thread each) finished 1.6–1.8× sooner than
/// the same two one after the other on both cores of the 2-core development machine: intra-op threads buy little on
/// the small tensors of the small profiles. It also keeps a task's float rounding independent of the core count,
/// since every task runs on one thread on any machine. A study on a GPU runs one task at a time unless --devices
/// names several.
/// OMP_NUM_THREADS, when set, is what its name says, the threads of each task's process, and the cores are shared
/// out in tasks of that many threads: HPC environments often set OMP_NUM_THREADS=1 for every process, and reading
/// it as the whole study's budget would run one task at a time on any number of cores.
/// </summary>
internal static class CpuJobs
{
    /// <summary>Overrides the default (e.g. REPRO_JOBS=1: tasks one after another, each on every core).</summary>
    public const string Variable = "REPRO_JOBS";

    /// <summary>The logical CPUs this process may run on (.NET reads the affinity mask and cgroup limits).</summary>
    public static int Cores => Environment.ProcessorCount;

    /// <summary>The threads per task OMP_NUM_THREADS asks for, or null when it is not set to a positive whole number.</summary>
    public static int? RequestedThreads =>
        int.TryParse(Environment.GetEnvironmentVariable("OMP_NUM_THREADS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;

    /// <summary>The threads each of <paramref name="slots"/> tasks side by side gets: OMP_NUM_THREADS, else the cores split evenly.</summary>
    public static int ThreadsPerTask(int slots) => RequestedThreads ?? Math.Max(1, Cores / Math.Max(1, slots));

    public static int Default(StudyContext context)
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given)
            return int.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new ArgumentException($"{Variable} must be a positive whole number of jobs, not '{given}'");
        var device = Environment.GetEnvironmentVariable("REPRO_DEVICE") is { Length: > 0 } d ? d : context.Profile.Device;
        return device.StartsWith("cuda", StringComparison.OrdinalIgnoreCase) ? 1 : Math.Max(1, Cores / (RequestedThreads ?? 1));
    }
}
