using Repro.Build.Engine;

namespace Repro.Build.Tasks;

/// <summary>
/// The profile's snapshot and claim checks under every <see cref="CalibrationVariant"/>, each on its own run in
/// artifacts/calibration/VARIANT — the very runs Calibrate measures, so after a Calibrate nothing is rerun. On the
/// machine that calibrated, passing is expected (the tolerances came from these runs); the proof that the
/// tolerances travel is this target, or plain Test, passing on another machine.
/// </summary>
[DependsOn(typeof(BuildSolutionTask))]
internal sealed class VariationsTask : BuildTask
{
    public override string Description => "--profile's snapshot and claim checks under each float-rounding variant (reuses Calibrate's runs)";

    public override void Run(BuildContext context)
    {
        var profile = Cli.Profile(context);
        var failures = new List<string>();
        foreach (var variant in CalibrationVariant.Selected(context.Arguments.Get("variants", "")))
        {
            var study = variant.Study(context, profile);
            study.BringUpToDate(context);
            var failed = study.FailedChecks(context);
            context.Info($"{variant.Name}: {(failed.Count == 0 ? "every snapshot and claim check passed" : $"{failed.Count} failed: {string.Join(", ", failed)}")}");
            if (failed.Count > 0) failures.Add($"{variant.Name} ({failed.Count} failed)");
        }
        if (failures.Count > 0) throw new BuildFailedException($"checks failed under: {string.Join(", ", failures)}");
    }
}
