using Repro.Build.Engine;

namespace Repro.Build.Tasks;

/// <summary>
/// Shows that the checks can still fail: runs --profile's study with the training learning rate divided by 100 — a
/// study that no longer learns — into artifacts/power, and succeeds only if its snapshot or claim checks (against the
/// profile's own verified snapshots and verdicts) fail, printing what caught it. Tolerances wide enough to pass that
/// run would pass anything.
/// </summary>
[DependsOn(typeof(BuildSolutionTask))]
internal sealed class PowerTask : BuildTask
{
    private const double LearningRateDivisor = 100;

    public override string Description => "--profile's study with training.lr / 100 must fail its snapshot or claim checks";

    public override void Run(BuildContext context)
    {
        if (Cli.Overrides(context).Count > 0) throw new BuildFailedException("Power makes its own --set (training.lr / 100); run it without --set");
        var profile = Cli.Profile(context);
        var file = ProfileFile.Read(context, profile);
        var crippled = $"training.lr={ProfileFile.Format(file.Number("training.lr") / LearningRateDivisor)}";
        var study = new IsolatedStudy("power", profile, Path.Combine(context.Artifacts, "power"), new Dictionary<string, string?>(), [crippled]);
        context.Info($"{file.Name} with {crippled}: a study that should not learn");
        study.BringUpToDate(context);

        var failed = study.FailedChecks(context);
        if (failed.Count == 0)
            throw new BuildFailedException($"the checks lost their power: {file.Name} with {crippled} passes every snapshot and claim check of {file.Name}");
        context.Info($"the checks caught it ({failed.Count} failed, as they must):");
        var fragile = FragileClaims(context, file.Name);
        foreach (var test in failed)
            context.Info($"  {test}{(fragile.Any(id => test == $"Claim(\"{id}\")") ? "  (weak: this verdict also flips under float rounding, see the calibration)" : "")}");
    }

    /// <summary>
    /// Claims whose verdict differed between the calibration runs (expected-results/PROFILE/calibration/
    /// non-numeric-differences.csv, rows "claims,verdict,id=ID,…"): catching the crippled study with them alone
    /// proves little, as float rounding flips them too.
    /// </summary>
    private static IReadOnlyList<string> FragileClaims(BuildContext context, string profile)
    {
        var path = Path.Combine(context.RepoRoot, "expected-results", profile, "calibration", "non-numeric-differences.csv");
        const string prefix = "claims,verdict,id=";
        return File.Exists(path)
            ? File.ReadLines(path).Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Select(l => l[prefix.Length..].Split(',')[0]).ToList()
            : [];
    }
}
