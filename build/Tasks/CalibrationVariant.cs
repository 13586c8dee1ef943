namespace Repro.Build.Tasks;

/// <summary>
/// A way to run the same study that changes only float rounding, never the maths: which kernels (ISA), how work is
/// split across threads (the order of sums), which BLAS kernels. A machine other than the one that verified the
/// snapshots differs from it in such ways, so the spread of these runs is what a tolerance must admit.
/// </summary>
internal sealed record CalibrationVariant(string Name, IReadOnlyDictionary<string, string?> Environment, string Why)
{
    public static readonly IReadOnlyList<CalibrationVariant> All =
    [
        new("baseline", new Dictionary<string, string?>(),
            "the machine as it is: tasks side by side, one per core, each on one thread; oneDNN's and OpenBLAS's own choice of kernels"),
        new("onednn-avx2", new Dictionary<string, string?> { ["ONEDNN_MAX_CPU_ISA"] = "AVX2" },
            "oneDNN (convolutions, batch norm) capped at AVX2: the kernels of a machine without AVX-512"),
        // A study on a CPU runs every task on one thread by default, on any machine, so OMP_NUM_THREADS=1 changes no
        // byte; what changes the order of sums is a task on several threads, as --jobs 1 (or REPRO_JOBS=1) runs it.
        new("one-process", new Dictionary<string, string?> { ["REPRO_JOBS"] = "1" },
            "tasks one after another in one process, each on every core: every parallel reduction summed in another order"),
        // OpenBLAS 0.3.21 (Debian 12, DYNAMIC_ARCH) already picks its Haswell kernels on the development machine (an
        // AMD EPYC it does not know), so Haswell would change nothing there; Sandybridge (AVX without FMA) differs
        // from the default of every x86-64 CPU since 2013 and runs on all of them.
        // Some machines pin OpenBLAS's kernels in their environment (this project's development and CI machines set
        // OPENBLAS_CORETYPE=Haswell; without it OpenBLAS picks its own on an AMD EPYC, and the pre-training's float32
        // matmuls round differently): a run as such a machine makes it is one of the spread.
        new("openblas-haswell", new Dictionary<string, string?> { ["OPENBLAS_CORETYPE"] = "Haswell" },
            "OpenBLAS's Haswell kernels (AVX2, FMA), as machines that pin OPENBLAS_CORETYPE=Haswell run"),
        new("openblas-sandybridge", new Dictionary<string, string?> { ["OPENBLAS_CORETYPE"] = "Sandybridge" },
            "OpenBLAS's Sandy Bridge kernels (AVX, no FMA): other float64 Gram products in the layer analysis"),
        // Each variant is one draw of training, and the same draw on every machine of a kind: the five above, run on
        // two AVX-512 EPYCs a day apart, gave the same bytes. Two perturbations at once are further draws, which is
        // what the statistical tolerances are estimated from (docs/snapshots.md).
        new("avx2-one-process", new Dictionary<string, string?> { ["ONEDNN_MAX_CPU_ISA"] = "AVX2", ["REPRO_JOBS"] = "1" },
            "oneDNN's AVX2 kernels and every sum in another order: a further draw of training"),
        new("avx2-sandybridge", new Dictionary<string, string?> { ["ONEDNN_MAX_CPU_ISA"] = "AVX2", ["OPENBLAS_CORETYPE"] = "Sandybridge" },
            "oneDNN's AVX2 kernels and OpenBLAS's Sandy Bridge ones: a further draw of training"),
        new("avx2-haswell", new Dictionary<string, string?> { ["ONEDNN_MAX_CPU_ISA"] = "AVX2", ["OPENBLAS_CORETYPE"] = "Haswell" },
            "oneDNN's AVX2 kernels and OpenBLAS's Haswell ones: a further draw of training"),
        new("one-process-sandybridge", new Dictionary<string, string?> { ["REPRO_JOBS"] = "1", ["OPENBLAS_CORETYPE"] = "Sandybridge" },
            "every sum in another order and OpenBLAS's Sandy Bridge kernels: a further draw of training"),
    ];

    /// <summary>As recorded in tolerances.json: the variables set, or that none are.</summary>
    public string Description => Environment.Count == 0
        ? "no variables set (" + Why + ")"
        : string.Join(" ", Environment.Select(e => $"{e.Key}={e.Value}")) + " (" + Why + ")";

    /// <summary>--variants a,b picks some (the first is the reference); default all.</summary>
    public static IReadOnlyList<CalibrationVariant> Selected(string? names)
    {
        if (string.IsNullOrWhiteSpace(names)) return All;
        return names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => All.FirstOrDefault(v => v.Name == n) ?? throw new ArgumentException($"unknown calibration variant '{n}' (variants: {string.Join(", ", All.Select(v => v.Name))})"))
            .ToList();
    }

    /// <summary>This variant's run of a profile, in artifacts/calibration/NAME (Calibrate and Variations share it).</summary>
    public IsolatedStudy Study(Engine.BuildContext context, string profile) =>
        new(Name, profile, Path.Combine(context.Artifacts, "calibration", Name), Environment, []);
}
