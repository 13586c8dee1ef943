using Repro.Build.Engine;

namespace Repro.Build.Tasks;

/// <summary>
/// The power of the study's checks, measured: every deliberate bug that `repro mutants` lists (REPRO_MUTANT, one
/// test-only hook) runs against the studies that can see it, and must make some snapshot or claim check fail. A bug
/// after training (evaluation, analysis, claims) runs against `golden` (fixed weights, checked to float rounding) and
/// against --profile (default ci); a bug in training against --profile only, whose checks are statistical. Each run
/// starts from a copy of the study's own up-to-date artifacts in artifacts/mutants/MUTANT/PROFILE, and the mutant's
/// name enters the code version of the tasks it changes (its stage's, or only its model's: `repro mutants` says which),
/// so exactly the mutated tasks and what reads them rerun. Prints which checks
/// caught each mutant, with the first line of each failure, and writes artifacts/mutants/results.csv.
/// --mutants a,b runs some; --studies golden runs the golden checks only; --fresh copies every mutant's root anew.
/// </summary>
[DependsOn(typeof(BuildSolutionTask))]
internal sealed class MutantsTask : BuildTask
{
    private const string Golden = "golden";
    private static readonly string[] TrainingStages = ["data", "pretrain", "train"];

    public override string Description => "each deliberate bug (repro mutants) must fail the golden or --profile's (default ci) checks; prints which caught it";

    public override void Run(BuildContext context)
    {
        var profile = context.Arguments.Get("profile", "ci");
        var studies = context.Arguments.Get("studies", "") is { Length: > 0 } s ? s.Split(',', StringSplitOptions.TrimEntries) : [Golden, profile];
        var mutants = List(context);
        var fresh = context.Arguments.Get("fresh", "false") is not ("false" or "0");
        if (context.Arguments.Get("mutants", "") is { Length: > 0 } chosen)
        {
            var names = chosen.Split(',', StringSplitOptions.TrimEntries);
            var unknown = names.Where(n => mutants.All(m => m.Name != n)).ToList();
            if (unknown.Count > 0) throw new BuildFailedException($"unknown mutants: {string.Join(", ", unknown)} (mutants: {string.Join(", ", mutants.Select(m => m.Name))})");
            mutants = mutants.Where(m => names.Contains(m.Name)).ToList();
        }

        // The unmutated studies, brought up to date where the Test target keeps them: every mutant starts from them.
        foreach (var study in studies)
            new IsolatedStudy(study, study, context.Artifacts, new Dictionary<string, string?>(), []).BringUpToDate(context);

        var rows = new List<string> { "mutant,stage,study,caught,failed_checks,first_failure,largest_differences" };
        var uncaught = new List<string>();
        foreach (var (name, stage, bug) in mutants)
        {
            var caught = false;
            foreach (var study in studies.Where(st => st != Golden || !TrainingStages.Contains(stage)))
            {
                var studyName = ProfileFile.Read(context, study).Name;
                var root = Path.Combine(context.Artifacts, "mutants", name, studyName);
                SeedFrom(context, Path.Combine(context.Artifacts, studyName), Path.Combine(root, studyName), fresh);
                context.Info($"{name} ({bug}) against {studyName}");
                var run = new IsolatedStudy($"mutant-{name}", study, root, new Dictionary<string, string?> { ["REPRO_MUTANT"] = name }, []);
                run.BringUpToDate(context);
                var failed = run.FailedChecksWithMessages(context);
                caught |= failed.Count > 0;
                context.Info(failed.Count == 0
                    ? $"  {studyName}: NOT CAUGHT: every check passed"
                    : $"  {studyName}: caught by {failed.Count} checks:");
                foreach (var (test, message) in failed) context.Info($"    {test}: {message}");
                var moved = TableDifferences.Largest(Path.Combine(context.Artifacts, studyName, "tables"), Path.Combine(root, studyName, "tables"));
                context.Info($"  what moved (largest difference from the unmutated run, per table): {(moved.Count == 0 ? "nothing" : string.Join("; ", moved))}");
                rows.Add(string.Join(",", name, stage, studyName, failed.Count > 0 ? "yes" : "no", failed.Count,
                    Quote(failed.Count > 0 ? $"{failed[0].Test}: {failed[0].Message}" : ""), Quote(string.Join("; ", moved))));
            }
            if (!caught) uncaught.Add(name);
        }
        var results = Path.Combine(context.Artifacts, "mutants", "results.csv");
        File.WriteAllLines(results, rows);
        context.Info($"results: {results}");
        if (uncaught.Count > 0) throw new BuildFailedException($"mutants no check caught: {string.Join(", ", uncaught)}");
    }

    /// <summary>The mutants as `repro mutants` lists them (name, stage, bug), so the build keeps no list of its own.</summary>
    private static List<(string Name, string Stage, string Bug)> List(BuildContext context)
    {
        var (code, output) = context.Capture("dotnet", [Cli.Dll(context), "mutants"]);
        if (code != 0) throw new BuildFailedException($"repro mutants failed: {output}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('\t')).Where(f => f.Length == 3).Select(f => (f[0], f[1], f[2])).ToList();
    }

    /// <summary>
    /// A mutant's root starts as a copy of the study's artifacts. An existing root is kept (unless --fresh): its tasks
    /// carry the mutant in their fingerprints, so what is up to date is reused and what changed reruns, and after a
    /// recalibration the target only judges the mutants' tables again (minutes, not the half hour of their training).
    /// </summary>
    private static void SeedFrom(BuildContext context, string from, string to, bool fresh)
    {
        if (!Directory.Exists(from)) throw new BuildFailedException($"{from} is missing: the study must run before its mutants");
        if (Directory.Exists(to) && !fresh) return;
        if (Directory.Exists(to)) Directory.Delete(to, recursive: true);
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        context.Run("cp", ["-a", "--reflink=auto", from, to]);
    }

    private static string Quote(string text) => "\"" + text.Replace("\"", "\"\"") + "\"";
}
