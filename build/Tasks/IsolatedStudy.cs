using Repro.Build.Engine;

namespace Repro.Build.Tasks;

/// <summary>
/// A run of a profile's whole study that must not touch the ordinary one: its own artifacts root (REPRO_ARTIFACTS),
/// its own environment (a calibration variant's; a null value removes an inherited variable, so a stray
/// OMP_NUM_THREADS in the caller's shell cannot turn the baseline into another variant) and settings replaced for it
/// (--set). It is incremental like the study stages: a finished run is not rerun, an interrupted one resumes. Its
/// snapshot and claim checks see exactly that run and judge it against the profile's verified snapshots.
/// </summary>
internal sealed record IsolatedStudy(string Label, string Profile, string ArtifactsRoot, IReadOnlyDictionary<string, string?> Environment, IReadOnlyList<string> Overrides)
{
    /// <summary>The variables through which a caller's shell could perturb a run: every isolated run states them.</summary>
    public static readonly IReadOnlyList<string> RoundingVariables = ["ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA", "OMP_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "REPRO_JOBS", "REPRO_MUTANT"];

    public string TablesDir(BuildContext context) => Path.Combine(ArtifactsRoot, ProfileFile.Read(context, Profile).Name, "tables");

    /// <summary>The environment its processes run in: the variant's variables, every other rounding variable removed, its artifacts root.</summary>
    public Dictionary<string, string?> ProcessEnvironment()
    {
        var environment = RoundingVariables.ToDictionary(v => v, string? (_) => null);
        foreach (var (k, v) in Environment) environment[k] = v;
        environment["REPRO_ARTIFACTS"] = ArtifactsRoot;
        return environment;
    }

    /// <summary>Runs the study up to its report unless it is up to date.</summary>
    public void BringUpToDate(BuildContext context)
    {
        var (code, output) = context.Capture("dotnet", Cli.ArgsFor(context, Profile, Overrides, "study", "status", "--stage", "report"), ProcessEnvironment());
        if (code == 0)
        {
            context.Info($"{Label}: up to date ({ArtifactsRoot})");
            return;
        }
        context.Info($"{Label}: running the study into {ArtifactsRoot} ({output.Trim()})");
        context.Run("dotnet", Cli.ArgsFor(context, Profile, Overrides, "study", "run", "--stage", "report"), ProcessEnvironment());
    }

    /// <summary>
    /// Runs the profile's snapshot and claim tests on this run and returns the names of those that failed. Received
    /// files go into the run's folder, not beside the verified snapshots (see <see cref="ReceivedFilesGuard"/>).
    /// </summary>
    public IReadOnlyList<string> FailedChecks(BuildContext context) => FailedChecksWithMessages(context).Select(f => f.Test).ToList();

    /// <summary><see cref="FailedChecks"/> with the first line of each failure message.</summary>
    public IReadOnlyList<(string Test, string Message)> FailedChecksWithMessages(BuildContext context)
    {
        var name = ProfileFile.Read(context, Profile).Name;
        var environment = ProcessEnvironment();
        environment["REPRO_PROFILE"] = Profile;
        environment["REPRO_PROFILE_SET"] = Overrides.Count > 0 ? string.Join(';', Overrides) : null;
        var logName = $"Repro.Tests-{name}-{Label}";
        var trx = Path.Combine(context.Artifacts, "test-results", logName + ".trx");
        if (File.Exists(trx)) File.Delete(trx); // never read an older run's results
        using (new ReceivedFilesGuard(Path.Combine(context.RepoRoot, "expected-results", name), Path.Combine(ArtifactsRoot, name, "received"), context))
            TestTask.DotnetTest(context, TestTask.StudyTestProject(context), "Category=Study", logName, environment);
        return TrxResults.FailedWithMessages(trx);
    }
}
