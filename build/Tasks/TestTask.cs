using Repro.Build.Engine;

namespace Repro.Build.Tasks;

/// <summary>
/// The test suite: every test project's unit tests (console summary, trx files in artifacts/test-results), then
/// the `ci` profile end to end — data, pre-training, training, evaluation, analysis, plots, report — and its
/// snapshot and claim tests. All parts run even when one fails, so one red run shows every failure.
/// --filter EXPR narrows the unit tests (and skips the ci study).
/// </summary>
[DependsOn(typeof(BuildSolutionTask))]
internal sealed class TestTask : BuildTask
{
    public override string Description => "unit tests, then the ci profile end to end with its snapshot and claim tests";

    public override void Run(BuildContext context)
    {
        var failures = new List<string>();
        var filter = context.Arguments.Has("filter") ? context.Arguments.Get("filter", "") : null;
        foreach (var project in TestProjects(context))
            if (!DotnetTest(context, project, filter is null ? "Category!=Study" : $"({filter})&Category!=Study", null))
                failures.Add(Path.GetFileNameWithoutExtension(project));

        if (filter is null)
        {
            try { context.Run("dotnet", Cli.ArgsFor(context, "ci", "study", "run", "--stage", "report")); }
            catch (BuildFailedException) { failures.Add("ci study run"); }
            if (!DotnetTest(context, StudyTestProject(context), "Category=Study", "ci")) failures.Add("ci snapshots and claims");
        }
        if (failures.Count > 0) throw new BuildFailedException($"failed: {string.Join(", ", failures)}");
    }

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
