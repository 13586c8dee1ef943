using System.Diagnostics;

namespace Repro.Experiments;

/// <summary>How one task went in a run of the study.</summary>
public sealed record TaskOutcome(string Task, bool Ran, TimeSpan Duration, string Reason);

/// <summary>
/// Runs tasks in dependency order, skipping the up-to-date ones (reason given). Each task's manifest is written only
/// after its work finished, with the content hash of what it wrote, so an interrupted task reruns (and resumes from
/// its own checkpoints) and its readers see whether its outputs really changed.
/// </summary>
public static class StudyRunner
{
    /// <summary>Brings a stage's tasks (or one task, by id) and what they need up to date; --force reruns the target's tasks.</summary>
    public static IReadOnlyList<TaskOutcome> Run(StudyPlan plan, string target, bool force = false)
    {
        var targets = plan.Select(target).Select(t => t.Id).ToHashSet();
        var outcomes = new List<TaskOutcome>();
        foreach (var task in plan.UpTo(target))
        {
            var forced = force && targets.Contains(task.Id);
            var why = forced ? "forced" : plan.WhyStale(task);
            if (why is null)
            {
                outcomes.Add(new TaskOutcome(task.Id, false, TimeSpan.Zero, "up to date"));
                plan.Context.Progress.Log($"{task.Id}: up to date");
                continue;
            }
            var watch = Stopwatch.StartNew();
            RunOne(plan, task, why, clear: forced);
            outcomes.Add(new TaskOutcome(task.Id, true, watch.Elapsed, why));
        }
        plan.Context.InputHashes.Save();
        return outcomes;
    }

    /// <summary>
    /// Runs one task (<c>repro study run --task ID</c>) unless it is up to date (or when forced). It runs nothing
    /// else: when a task it needs is missing or stale it refuses, naming each with the reason.
    /// </summary>
    public static TaskOutcome RunTask(StudyPlan plan, string id, bool force = false)
    {
        var task = plan.Task(id);
        var missing = task.Needs.Select(n => (Need: n, Why: plan.WhyStale(plan.Task(n)))).Where(n => n.Why is not null).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException($"task '{id}' cannot run: {string.Join("; ", missing.Select(m => $"{m.Need} is not up to date ({m.Why})"))}. " +
                                                "Run those first (repro study run --task …), or unpack them from the machine that ran them.");
        var why = force ? "forced" : plan.WhyStale(task);
        if (why is null)
        {
            plan.Context.Progress.Log($"{id}: up to date");
            return new TaskOutcome(id, false, TimeSpan.Zero, "up to date");
        }
        var watch = Stopwatch.StartNew();
        RunOne(plan, task, why, clear: force);
        plan.Context.InputHashes.Save();
        return new TaskOutcome(id, true, watch.Elapsed, why);
    }

    /// <summary>Runs one task whose needed tasks are up to date, then writes its manifest.</summary>
    public static void RunOne(StudyPlan plan, StudyTask task, string why, bool clear)
    {
        var context = plan.Context;
        var dir = plan.Dir(task);
        var nested = plan.NestedIn(task);
        context.Progress.Log($"{task.Id}: running ({why})");
        if (clear) TaskFolder.Clear(dir, nested);
        var key = plan.Key(task);
        var inputs = plan.InputHashes(task);
        var fingerprint = StudyPlan.Fingerprint(task, key, inputs);
        TaskFolder.Prepare(dir, fingerprint, nested);
        task.Run(context);
        var outputs = ContentHash.OfFolder(dir, nested);
        new Manifest(task.Id, fingerprint, key.Code, key.SettingsJson, inputs, key.External, outputs, DateTimeOffset.UtcNow).Write(dir);
        plan.Invalidate();
    }
}
