using System.Globalization;
using System.Text.RegularExpressions;

namespace Repro.Experiments.Slurm;

/// <summary>
/// What one Slurm job asks for: partition, generic resources (a GPU: "gpu:1"), CPUs, memory and a time limit.
/// Null partition or gres: the cluster's default partition, no generic resource.
/// </summary>
public sealed partial record SlurmResources(string? Partition, string? Gres, int Cpus, string Memory, string Time)
{
    /// <summary>The kinds of task that ask for resources of their own, as <c>--resources KIND:…</c> names them.</summary>
    public static readonly IReadOnlyList<string> Kinds = [SlurmJobKind.Train, SlurmJobKind.Gpu, SlurmJobKind.Cpu];

    /// <summary>
    /// The defaults of a kind of task on a profile: a GPU for what computes on it, one CPU for the rest (a task on a
    /// CPU profile runs on one thread, as in a local run, so more cores would sit idle), and for the layer analysis
    /// its memory budget plus room for the network and the process.
    /// </summary>
    public static SlurmResources Default(string kind, StudyTask task, Profile profile)
    {
        var memory = task.Stage == "analyze" ? $"{profile.Analysis.MemoryBudgetGiB + 4}G" : kind == SlurmJobKind.Cpu ? "4G" : "16G";
        return kind switch
        {
            SlurmJobKind.Train when task.Device == "cuda" => new(null, "gpu:1", 4, memory, "2-00:00:00"),
            SlurmJobKind.Train => new(null, null, 1, memory, "1-00:00:00"),
            SlurmJobKind.Gpu => new(null, "gpu:1", 4, memory, "12:00:00"),
            _ => new(null, null, 1, memory, "12:00:00"),
        };
    }

    /// <summary>The resources of a task: its kind's defaults, then each spec given for its kind (or for all), in order.</summary>
    public static SlurmResources For(StudyTask task, Profile profile, IEnumerable<SlurmResourceSpec> specs)
    {
        var kind = SlurmJobKind.Of(task);
        return specs.Where(s => s.AppliesTo(kind)).Aggregate(Default(kind, task, profile), (r, s) => r.With(s.Spec, s.Source));
    }

    /// <summary>
    /// These resources with some replaced by a spec like <c>cpus=8,mem=32G,time=2-00:00:00,gres=gpu:a100:1,partition=gpu</c>
    /// (gres=none or partition=none drops them); an unknown key or a malformed value is an error naming it.
    /// </summary>
    public SlurmResources With(string spec, string source)
    {
        var result = this;
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"{source}: '{part}' is not KEY=VALUE (keys: partition, gres, cpus, mem, time)");
            var (key, value) = (part[..eq].Trim(), part[(eq + 1)..].Trim());
            result = key switch
            {
                "partition" => result with { Partition = value is "none" or "" ? null : Checked(value, Word(), "partition", source) },
                "gres" => result with { Gres = value is "none" or "" ? null : Checked(value, GresPattern(), "gres", source) },
                "cpus" => result with
                {
                    Cpus = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                        ? n
                        : throw new ArgumentException($"{source}: cpus must be a positive whole number, not '{value}'"),
                },
                "mem" => result with { Memory = Checked(value, MemoryPattern(), "mem (e.g. 4G, 16000M)", source) },
                "time" => result with { Time = Checked(value, TimePattern(), "time (MINUTES, HH:MM:SS or D-HH:MM:SS)", source) },
                _ => throw new ArgumentException($"{source}: unknown resource '{key}' (keys: partition, gres, cpus, mem, time)"),
            };
        }
        return result;
    }

    /// <summary>The #SBATCH lines for these resources.</summary>
    public IEnumerable<string> Directives()
    {
        if (Partition is not null) yield return $"--partition={Partition}";
        if (Gres is not null) yield return $"--gres={Gres}";
        yield return $"--cpus-per-task={Cpus}";
        yield return $"--mem={Memory}";
        yield return $"--time={Time}";
    }

    private static string Checked(string value, Regex pattern, string what, string source) =>
        pattern.IsMatch(value) ? value : throw new ArgumentException($"{source}: '{value}' is not a valid {what}");

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]+$")]
    private static partial Regex Word();

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]+(:[A-Za-z0-9_.\-]+)*$")]
    private static partial Regex GresPattern();

    [GeneratedRegex(@"^[0-9]+[KMGT]?$")]
    private static partial Regex MemoryPattern();

    [GeneratedRegex(@"^([0-9]+|([0-9]+-)?[0-9]{1,2}(:[0-9]{2}){1,2}|[0-9]+-[0-9]{1,2})$")]
    private static partial Regex TimePattern();
}
