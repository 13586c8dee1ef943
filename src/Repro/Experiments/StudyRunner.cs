using System.Diagnostics;

namespace Repro.Experiments;

/// <summary>How one stage went in a run of the study.</summary>
public sealed record StageOutcome(string Stage, bool Ran, TimeSpan Duration, string Reason);

/// <summary>
/// Runs stages in dependency order, skipping the up-to-date ones (reason given), and writes each stage's manifest
/// only after its work finished, so an interrupted stage reruns (and resumes from its own checkpoints).
/// </summary>
public static class StudyRunner
{
    public static IReadOnlyList<StageOutcome> Run(StudyPlan plan, StudyContext context, string target, bool force = false)
    {
        var outcomes = new List<StageOutcome>();
        foreach (var stage in plan.UpTo(target))
        {
            var dir = context.StageDir(stage.Name);
            var why = force && stage.Name == target ? "forced" : plan.WhyStale(stage, dir);
            if (why is null)
            {
                outcomes.Add(new StageOutcome(stage.Name, false, TimeSpan.Zero, "up to date"));
                context.Progress.Log($"{stage.Name}: up to date");
                continue;
            }
            context.Progress.Log($"{stage.Name}: running ({why})");
            if (why == "forced" && Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            PrepareFolder(dir, plan.Fingerprints[stage.Name]);
            var watch = Stopwatch.StartNew();
            stage.Run(context);
            new Manifest(stage.Name, plan.Fingerprints[stage.Name], plan.Code, plan.Settings[stage.Name], plan.Inputs[stage.Name], DateTimeOffset.UtcNow).Write(dir);
            outcomes.Add(new StageOutcome(stage.Name, true, watch.Elapsed, why));
        }
        return outcomes;
    }

    /// <summary>
    /// Keeps what an interrupted run of the same fingerprint left (checkpoints to resume from); clears what a run
    /// with other settings left, so nothing stale is resumed or reported.
    /// </summary>
    private static void PrepareFolder(string dir, string fingerprint)
    {
        var marker = Path.Combine(dir, "started.txt");
        if (Directory.Exists(dir) && (!File.Exists(marker) || File.ReadAllText(marker).Trim() != fingerprint))
            Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        Repro.Torch.IO.AtomicFile.WriteAllText(marker, fingerprint);
    }
}
