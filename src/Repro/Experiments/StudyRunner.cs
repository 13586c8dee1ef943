using System.Diagnostics;

namespace Repro.Experiments;

/// <summary>How one task went in a run of the study.</summary>
public sealed record TaskOutcome(string Task, bool Ran, TimeSpan Duration, string Reason);

/// <summary>
/// Runs tasks in dependency order, skipping the up-to-date ones (reason given). Each task's manifest is written only
/// after its work finished, with the content hash of what it wrote, so an interrupted task reruns (and resumes from
/// its own checkpoints) and its readers see whether its outputs really changed. A task runs under its
/// <see cref="TaskLock"/>: a second run that needs it waits (or, with wait false, refuses), and once it holds the lock
/// finds the task finished by the first and does not run it again.
/// </summary>
public static class StudyRunner
{
    /// <summary>Brings a stage's tasks (or one task, by id) and what they need up to date; --force reruns the target's tasks.</summary>
    public static IReadOnlyList<TaskOutcome> Run(StudyPlan plan, string target, bool force = false, bool wait = true)
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
            var ran = RunOne(plan, task, why, clear: forced, wait);
            outcomes.Add(new TaskOutcome(task.Id, ran, watch.Elapsed, ran ? why : FinishedMeanwhile));
        }
        plan.Context.InputHashes.Save();
        return outcomes;
    }

    /// <summary>
    /// Runs one task (<c>repro study run --task ID</c>) unless it is up to date (or when forced). It runs nothing
    /// else: when a task it needs is missing or stale it refuses, naming each with the reason.
    /// </summary>
    public static TaskOutcome RunTask(StudyPlan plan, string id, bool force = false, bool wait = true)
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
        var ran = RunOne(plan, task, why, clear: force, wait);
        plan.Context.InputHashes.Save();
        return new TaskOutcome(id, ran, watch.Elapsed, ran ? why : FinishedMeanwhile);
    }

    /// <summary>What a task that another run finished while this one waited for its lock reports.</summary>
    public const string FinishedMeanwhile = "up to date (finished by another run while this one waited)";

    /// <summary>
    /// Runs one task whose needed tasks are up to date, under its lock, then writes its manifest with a record of
    /// every output file. False when, once the lock was ours, the task was up to date after all (another run
    /// finished it meanwhile) and was not forced. A task rerun because its outputs changed on disk starts from an
    /// empty folder: nothing it left is trusted, checkpoints included.
    /// </summary>
    public static bool RunOne(StudyPlan plan, StudyTask task, string why, bool clear, bool wait = true)
    {
        var context = plan.Context;
        using var held = TaskLock.Acquire(context, task.Id, wait);
        plan.Invalidate(); // what other runs finished while we waited
        if (!clear && plan.WhyStale(task) is var now && now != why)
        {
            if (now is null)
            {
                context.Progress.Log($"{task.Id}: {FinishedMeanwhile}");
                return false;
            }
            why = now;
        }
        var dir = plan.Dir(task);
        var nested = plan.NestedIn(task);
        context.Progress.Log($"{task.Id}: running ({why})");
        if (clear || why.StartsWith(TaskOutputs.ChangedPrefix, StringComparison.Ordinal)) TaskFolder.Clear(dir, nested);
        var key = plan.Key(task);
        var inputs = plan.InputHashes(task);
        var fingerprint = StudyPlan.Fingerprint(task, key, inputs);
        TaskFolder.Prepare(dir, fingerprint, nested);
        // On a GPU, as `repro selftest` checks it: deterministic kernels and float32 without TF32 (a process-wide
        // switch, set before the first task that computes there).
        if (task.Device == "cuda") Torch.torch.use_deterministic_algorithms();
        try { task.Run(context); }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            // A full disk or quota: every file is written atomically, so what the task finished (its last checkpoint)
            // is intact, and a rerun resumes from it.
            throw new IOException($"task '{task.Id}' could not write in {dir}: {e.Message.TrimEnd('.', ' ')}. Its files written before are intact; " +
                                  "free space there and run again to resume", e);
        }
        var files = TaskOutputs.Record(dir, nested);
        new Manifest(task.Id, fingerprint, key.Code, key.SettingsJson, inputs, key.External, TaskOutputs.FolderHash(files), DateTimeOffset.UtcNow, files).Write(dir);
        plan.Invalidate();
        return true;
    }
}
