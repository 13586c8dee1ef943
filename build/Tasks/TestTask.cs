using Repro.Build.Engine;

namespace Repro.Build.Tasks;

/// <summary>
/// Runs every test project under tests/, each with a console summary and a trx file in artifacts/test-results.
/// All projects run even when one fails, so one red run shows every failure. --filter EXPR is passed through.
/// </summary>
[DependsOn(typeof(BuildSolutionTask))]
internal sealed class TestTask : BuildTask
{
    public override string Description => "every test project (trx in artifacts/test-results; --filter passed through)";

    public override void Run(BuildContext context)
    {
        var results = Path.Combine(context.Artifacts, "test-results");
        var failures = new List<string>();
        foreach (var project in Directory.EnumerateFiles(Path.Combine(context.RepoRoot, "tests"), "*.csproj", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(project);
            var args = new List<string>
            {
                "test", project, "-c", context.Configuration, "--no-build", "--nologo",
                "--results-directory", results, "--logger", $"trx;LogFileName={name}.trx", "--logger", "console;verbosity=normal",
            };
            if (context.Arguments.Has("filter")) args.AddRange(["--filter", context.Arguments.Get("filter", "")]);
            try { context.Run("dotnet", args); }
            catch (BuildFailedException) { failures.Add(name); }
        }
        if (failures.Count > 0) throw new BuildFailedException($"tests failed in {string.Join(", ", failures)}");
    }
}
