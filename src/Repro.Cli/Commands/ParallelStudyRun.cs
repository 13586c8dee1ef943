using System.Diagnostics;
using Repro.Experiments;
using Spectre.Console;

namespace Repro.Cli.Commands;

/// <summary>
/// <c>repro study run --stage S --jobs N [--devices cuda:0,cuda:1,…]</c>: the stage's tasks and what they need, run
/// as worker processes (<c>repro study run --task ID</c>), as many at once as there are slots: one per device when
/// devices are given (REPRO_DEVICE tells the worker which), else N with the CPU cores split between them
/// (OMP_NUM_THREADS). A task starts when every task it needs is up to date; each worker's output is shown prefixed
/// with its task's id. A task that fails stops new starts; the ones running finish (an interrupted one resumes from
/// its checkpoint next time), and the failure names the task.
/// </summary>
internal static class ParallelStudyRun
{
    public static IReadOnlyList<TaskOutcome> Run(StudyPlan plan, string target, bool force, int jobs, IReadOnlyList<string> devices, IReadOnlyList<string> workerArgs)
    {
        var slots = devices.Count > 0 ? devices.ToList() : Enumerable.Range(0, Math.Max(1, jobs)).Select(_ => "").ToList();
        var threads = CpuJobs.ThreadsPerTask(slots.Count);
        var forced = force ? plan.Select(target).Select(t => t.Id).ToHashSet() : [];
        var pending = plan.UpTo(target).ToList();
        var running = new Dictionary<string, (Process Process, int Slot, Stopwatch Clock, string Why)>();
        var outcomes = new List<TaskOutcome>();
        string? failed = null;
        AnsiConsole.MarkupLine(Markup.Escape($"{pending.Count} tasks, {slots.Count} at once ({(devices.Count > 0 ? string.Join(", ", devices) : $"{threads} CPU thread{(threads == 1 ? "" : "s")} each")})"));
        while (pending.Count > 0 || running.Count > 0)
        {
            plan.Invalidate();
            foreach (var task in pending.ToList())
            {
                if (failed is not null || running.Count >= slots.Count) break;
                if (task.Needs.Any(n => running.ContainsKey(n) || pending.Any(p => p.Id == n))) continue;
                pending.Remove(task);
                var why = forced.Contains(task.Id) ? "forced" : plan.WhyStale(task);
                if (why is null)
                {
                    outcomes.Add(new TaskOutcome(task.Id, false, TimeSpan.Zero, "up to date"));
                    continue;
                }
                var slot = Enumerable.Range(0, slots.Count).First(i => running.Values.All(r => r.Slot != i));
                running[task.Id] = (Start(task, slots[slot], threads, forced.Contains(task.Id), workerArgs), slot, Stopwatch.StartNew(), why);
            }
            if (running.Count == 0)
            {
                // Nothing running and nothing started: what is left waits on a failure, or everything was up to date.
                if (failed is not null || pending.Count == 0) break;
                continue;
            }
            var done = WaitAny(running.Values.Select(r => r.Process).ToList());
            var (id, (process, _, clock, reason)) = running.First(r => r.Value.Process == done);
            running.Remove(id);
            if (process.ExitCode != 0) failed ??= id;
            else outcomes.Add(new TaskOutcome(id, true, clock.Elapsed, reason));
            process.Dispose();
        }
        if (failed is not null) throw new InvalidOperationException($"task '{failed}' failed (its output above is prefixed [{failed}]); the tasks that finished keep their manifests");
        if (pending.Count > 0) throw new InvalidOperationException($"tasks never became ready: {string.Join(", ", pending.Select(p => p.Id))}");
        return outcomes;
    }

    private static Process Start(StudyTask task, string slot, int threads, bool force, IReadOnlyList<string> workerArgs)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // `dotnet Repro.Cli.dll …` or the apphost: the worker runs the same build as this process.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") info.ArgumentList.Add(typeof(ParallelStudyRun).Assembly.Location);
        // --jobs 1: the worker is the only task in its process and runs on every thread its environment gives it.
        foreach (var a in (string[])["study", "run", "--task", task.Id, "--jobs", "1", .. workerArgs, .. force ? ["--force"] : Array.Empty<string>()])
            info.ArgumentList.Add(a);
        if (slot.Length > 0) info.Environment["REPRO_DEVICE"] = slot;
        else
        {
            info.Environment["OMP_NUM_THREADS"] = threads.ToString();
            info.Environment["OPENBLAS_NUM_THREADS"] = threads.ToString();
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start a worker for task '{task.Id}'");
        AnsiConsole.MarkupLine(Markup.Escape($"[{task.Id}] started{(slot.Length > 0 ? $" on {slot}" : "")}"));
        process.OutputDataReceived += (_, e) => Forward(task.Id, e.Data);
        process.ErrorDataReceived += (_, e) => Forward(task.Id, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static readonly Lock ConsoleGate = new();

    private static void Forward(string id, string? line)
    {
        if (line is null) return;
        lock (ConsoleGate) Console.WriteLine($"[{id}] {line}");
    }

    private static Process WaitAny(IReadOnlyList<Process> processes)
    {
        while (true)
        {
            foreach (var p in processes)
                if (p.WaitForExit(0))
                {
                    p.WaitForExit(); // drains the redirected output
                    return p;
                }
            Thread.Sleep(200);
        }
    }
}
