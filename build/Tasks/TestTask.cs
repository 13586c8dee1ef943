using Repro.Build.Engine;

namespace Repro.Build.Tasks;

/// <summary>
/// The test suite: every test project's unit tests (console summary, trx files in artifacts/test-results), then
/// the `golden` profile (ci's detectors of two seeds, fixed: evaluation, analysis, plots, report) and the `ci` profile
/// end to end — data, pre-training, training, evaluation, analysis, plots, report — each with its snapshot and claim
/// tests. All parts run even when one fails, so one red run shows every failure.
/// --filter EXPR narrows the unit tests (and skips the studies).
/// </summary>
[DependsOn(typeof(BuildSolutionTask))]
[DependsOn(typeof(ActionlintTask))]
internal sealed class TestTask : BuildTask
{
    public override string Description => "unit tests, then the golden profile (fixed weights) and the ci profile end to end, each with its snapshot and claim tests";

    public override void Run(BuildContext context)
    {
        var failures = new List<string>();
        var filter = context.Arguments.Has("filter") ? context.Arguments.Get("filter", "") : null;
        foreach (var project in TestProjects(context))
            if (!DotnetTest(context, project, filter is null ? "Category!=Study" : $"({filter})&Category!=Study", null))
                failures.Add(Path.GetFileNameWithoutExtension(project));

        if (filter is null)
            foreach (var profile in StudyProfiles)
            {
                try { context.Run("dotnet", Cli.ArgsFor(context, profile, "study", "run", "--stage", "report")); }
                catch (BuildFailedException) { failures.Add($"{profile} study run"); }
                if (!DotnetTest(context, StudyTestProject(context), "Category=Study", profile)) failures.Add($"{profile} snapshots and claims");
            }
        if (failures.Count > 0) throw new BuildFailedException($"failed: {string.Join(", ", failures)}");
    }

    /// <summary>
    /// The studies Test runs and checks: golden first (ci's evaluation, analysis and claims on fixed trained weights,
    /// checked to float rounding: a minute, and any change in what follows training fails there), then ci itself
    /// (training included, checked statistically: seed means against the spread of seeds and reruns).
    /// </summary>
    internal static readonly IReadOnlyList<string> StudyProfiles = ["golden", "ci"];

    internal static IEnumerable<string> TestProjects(BuildContext context) =>
        Directory.EnumerateFiles(Path.Combine(context.RepoRoot, "tests"), "*.csproj", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    internal static string StudyTestProject(BuildContext context) => Path.Combine(context.RepoRoot, "tests", "Repro.Tests", "Repro.Tests.csproj");

    /// <summary>
    /// dotnet test of one project; the profile (when given) reaches the study tests as REPRO_PROFILE, and settings
    /// replaced for the run (--set) as REPRO_PROFILE_SET, so the tests judge the run that was made.
    /// </summary>
    internal static bool DotnetTest(BuildContext context, string project, string filter, string? profile, IReadOnlyList<string>? overrides = null)
    {
        var environment = new Dictionary<string, string?>();
        if (profile is not null) environment["REPRO_PROFILE"] = profile;
        if (overrides is { Count: > 0 }) environment["REPRO_PROFILE_SET"] = string.Join(';', overrides);
        return DotnetTest(context, project, filter, Path.GetFileNameWithoutExtension(project) + (profile is null ? "" : $"-{ProfileFile.Read(context, profile).Name}-study"), environment);
    }

    /// <summary>dotnet test of one project under the given environment, its results in artifacts/test-results/LOGNAME.trx.</summary>
    internal static bool DotnetTest(BuildContext context, string project, string filter, string logName, IReadOnlyDictionary<string, string?> environment)
    {
        var args = new List<string>
        {
            "test", project, "-c", context.Configuration, "--no-build", "--nologo", "--filter", filter,
            "--results-directory", Path.Combine(context.Artifacts, "test-results"),
            "--logger", $"trx;LogFileName={logName}.trx", "--logger", "console;verbosity=normal",
        };
        try
        {
            context.Run("dotnet", args, environment);
            return true;
        }
        catch (BuildFailedException)
        {
            return false;
        }
    }
}
