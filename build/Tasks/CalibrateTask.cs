using Repro.Build.Engine;

namespace Repro.Build.Tasks;

/// <summary>
/// Measures the profile's snapshot tolerances instead of choosing them: reruns its whole study under each
/// <see cref="CalibrationVariant"/> (artifacts/calibration/VARIANT; a finished variant is not rerun), then
/// `repro snapshot calibrate` writes expected-results/PROFILE/tolerances.json from the spread of the runs' result
/// tables, with the runs' numbers in expected-results/PROFILE/calibration/, and prints any verdict (or other
/// non-numeric cell) that differed between the runs. --variants a,b runs some; --multiple and --floor change the rule,
/// --false-alarm the statistical one; --allow-blind writes tolerances that cannot fail (marked) instead of refusing.
/// </summary>
[DependsOn(typeof(BuildSolutionTask))]
internal sealed class CalibrateTask : BuildTask
{
    public override string Description => "rerun --profile's study under float-rounding perturbations and write its tolerances.json from the spread";

    public override void Run(BuildContext context)
    {
        if (Cli.Overrides(context).Count > 0)
            throw new BuildFailedException("Calibrate measures a profile as written: --set would calibrate another study's tolerances into it");
        var profile = Cli.Profile(context);
        var name = ProfileFile.Read(context, profile).Name;
        var variants = CalibrationVariant.Selected(context.Arguments.Get("variants", ""));
        if (variants.Count < 2) throw new BuildFailedException("Calibrate needs at least two variants to measure a spread");

        var runs = variants.Select(v => (Variant: v, Study: v.Study(context, profile))).ToList();
        foreach (var (_, study) in runs) study.BringUpToDate(context);

        var options = new[] { "multiple", "floor", "false-alarm" }.Where(context.Arguments.Has).SelectMany(o => new[] { $"--{o}", context.Arguments.Get(o, "") }).ToList();
        // A profile whose seeds or runs are too few for tolerances that can fail is calibrated only when asked, marked.
        if (context.Arguments.Has("allow-blind")) options.Add("--allow-blind");
        var args = new List<string>
        {
            Cli.Dll(context), "snapshot", "calibrate", "--profile", name, "--expected", Path.Combine(context.RepoRoot, "expected-results"),
            "--recalibrate-command", string.Join(" ", ["./build.sh", "--target", "Calibrate", "--profile", profile, .. options]),
        };
        foreach (var (variant, study) in runs)
            args.AddRange(["--run", $"{variant.Name}={study.TablesDir(context)}", "--environment", $"{variant.Name}={variant.Description}"]);
        args.AddRange(options);
        context.Run("dotnet", args);
        context.Info($"review and commit expected-results/{name}/tolerances.json and expected-results/{name}/calibration/");
    }
}
