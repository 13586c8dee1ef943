using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Repro.Build.Engine;

namespace Repro.Build.Tasks;

/// <summary>
/// Random kills, many times (Jepsen-style): runs --profile's study (default ci) from nothing into
/// artifacts/chaos/run while killing it with SIGKILL at random moments — sometimes the whole process group,
/// sometimes one worker process — and resuming after each, until it finishes with at least --kills kills (default
/// 20). Then every task's output hash and every result table must equal those of an uninterrupted run
/// (artifacts/chaos/reference, run first, reused when up to date), and `repro study verify` must pass. The kill
/// times come from --seed (printed; default from the clock) and stretch when kills keep landing before any progress.
/// The tasks that are a whole stage and take seconds (plots, report, the aggregate scoring and comparison) are seldom
/// hit at random: each one no kill hit is then forced, killed a moment after it starts, and resumed. The report
/// (kills per stage, each kill's time, kind and the tasks it hit) goes to artifacts/chaos/report.md.
/// </summary>
[DependsOn(typeof(BuildSolutionTask))]
internal sealed class ChaosTask : BuildTask
{
    public override string Description => "kill --profile's study (default ci) at random moments, resume each time, and compare with an uninterrupted run";

    private sealed record Kill(int Number, double AtSeconds, string Kind, IReadOnlyList<string> Victims);

    public override void Run(BuildContext context)
    {
        var profile = context.Arguments.Get("profile", "ci");
        var name = ProfileFile.Read(context, profile).Name;
        var wanted = int.Parse(context.Arguments.Get("kills", "20"), CultureInfo.InvariantCulture);
        var seed = int.Parse(context.Arguments.Get("seed", (Environment.TickCount & 0x7fffffff).ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var chaosRoot = Path.Combine(context.Artifacts, "chaos");
        var reference = new IsolatedStudy("chaos-reference", profile, Path.Combine(chaosRoot, "reference"), new Dictionary<string, string?>(), []);
        var run = new IsolatedStudy("chaos-run", profile, Path.Combine(chaosRoot, "run"), new Dictionary<string, string?>(), []);
        reference.BringUpToDate(context);
        // --reuse resumes the run folder a previous Chaos left (with --kills 0: only the forced kills of the short tasks).
        if (!context.Arguments.Has("reuse") && Directory.Exists(run.ArtifactsRoot)) Directory.Delete(run.ArtifactsRoot, recursive: true);
        context.Info($"chaos: seed {seed}, at least {wanted} kills, into {run.ArtifactsRoot}");

        var random = new Random(seed);
        var kills = new List<Kill>();
        var clock = Stopwatch.StartNew();
        var (attempts, stalled) = (0, 0);
        while (true)
        {
            attempts++;
            var progressBefore = Progress(run, name);
            using var study = Start(context, run, profile);
            // Delays of 2–60 s; each kill that landed before anything was finished doubles the range, so a task
            // longer than the delays (a training epoch) still gets through.
            var delay = TimeSpan.FromSeconds((2 + random.NextDouble() * 58) * Math.Pow(2, Math.Min(stalled, 4)));
            if (kills.Count < wanted && !study.WaitForExit(delay))
            {
                var kind = random.NextDouble() < 0.5 ? "process group" : "one worker";
                var running = Running(run, name);
                var hit = kind == "one worker" ? KillOneWorker(study, random) ?? running : KillGroup(study, running);
                study.WaitForExit();
                kills.Add(new Kill(kills.Count + 1, clock.Elapsed.TotalSeconds, kind, hit));
                context.Info($"chaos: kill {kills.Count} at {clock.Elapsed:hh\\:mm\\:ss} ({kind}; hit: {string.Join(", ", hit.DefaultIfEmpty("no task"))})");
                stalled = Progress(run, name) == progressBefore ? stalled + 1 : 0;
                continue;
            }
            study.WaitForExit();
            if (study.ExitCode != 0)
            {
                // A worker kill ends its run with a failure once the other workers finish: expected, resume.
                if (kills.Count > 0 && kills[^1].Kind == "one worker") continue;
                throw new BuildFailedException($"chaos: the study failed on its own (exit {study.ExitCode}) after {kills.Count} kills; see the output above");
            }
            if (kills.Count >= wanted) break;
            // Finished before enough kills: start over from nothing, keeping the count (another pass over every stage).
            context.Info($"chaos: the study finished after {kills.Count} kills; starting it again from nothing for more");
            Directory.Delete(run.ArtifactsRoot, recursive: true);
        }

        // The short tasks (a whole stage in one task: the data, the scoring of all evaluations, the comparison of all
        // captures, the plots, the report) are seldom running when a random kill lands: each one no kill hit is rerun
        // forced and killed a moment after it starts, then the study is resumed.
        foreach (var target in WholeStageTasks(context, profile, run).Where(t => !kills.Any(k => k.Victims.Contains(t))))
        {
            var forced = Start(context, run, profile, "--task", target, "--force");
            var started = Stopwatch.StartNew();
            while (!forced.HasExited && !Running(run, name).Contains(target) && started.Elapsed < TimeSpan.FromMinutes(5)) Thread.Sleep(20);
            var delay = TimeSpan.FromSeconds(random.NextDouble() * 2);
            if (!forced.WaitForExit(delay))
            {
                KillGroup(forced, []);
                forced.WaitForExit();
                kills.Add(new Kill(kills.Count + 1, clock.Elapsed.TotalSeconds, "process group, task forced", [target]));
                context.Info($"chaos: kill {kills.Count} at {clock.Elapsed:hh\\:mm\\:ss} (process group, {target} forced, {delay.TotalSeconds:F1} s after it started)");
            }
            else context.Info($"chaos: {target} finished within {delay.TotalSeconds:F1} s, before its kill");
            forced.Dispose();
            using var resumed = Start(context, run, profile);
            resumed.WaitForExit();
            if (resumed.ExitCode != 0) throw new BuildFailedException($"chaos: the study did not resume after {target} was killed (exit {resumed.ExitCode})");
        }

        var differences = StudyRunComparison.Differences(reference, run, name);
        var (verifyCode, verifyOutput) = context.Capture("dotnet", Cli.ArgsFor(context, profile, "study", "verify"), run.ProcessEnvironment());
        var report = Report(seed, kills, attempts, clock.Elapsed, differences, verifyOutput.Trim(), name);
        Directory.CreateDirectory(chaosRoot);
        File.WriteAllText(Path.Combine(chaosRoot, "report.md"), report);
        Console.WriteLine(report);
        if (differences.Count > 0 || verifyCode != 0)
            throw new BuildFailedException($"chaos: the interrupted run differs from the uninterrupted one ({differences.Count} differences; verify exit {verifyCode}); see {Path.Combine(chaosRoot, "report.md")}");
    }

    /// <summary>The tasks that are a whole stage (their id is the stage's name), in the study's order.</summary>
    private static IReadOnlyList<string> WholeStageTasks(BuildContext context, string profile, IsolatedStudy run)
    {
        var (code, output) = context.Capture("dotnet", Cli.ArgsFor(context, profile, "study", "tasks", "--format", "json"), run.ProcessEnvironment());
        if (code != 0) throw new BuildFailedException("chaos: cannot list the study's tasks");
        return JsonDocument.Parse(output).RootElement.EnumerateArray().Select(t => t.GetProperty("id").GetString()!).Where(t => !t.Contains('/')).ToList();
    }

    /// <summary>`repro study run` (up to the report unless other arguments are given), in a process group of its own (setsid), its output streamed.</summary>
    private static Process Start(BuildContext context, IsolatedStudy run, string profile, params string[] what)
    {
        var info = new ProcessStartInfo("setsid") { WorkingDirectory = context.RepoRoot, UseShellExecute = false };
        string[] target = what.Length > 0 ? what : ["--stage", "report"];
        foreach (var a in (string[])["dotnet", .. Cli.ArgsFor(context, profile, ["study", "run", .. target])]) info.ArgumentList.Add(a);
        foreach (var (k, v) in run.ProcessEnvironment())
            if (v is null) info.Environment.Remove(k);
            else info.Environment[k] = v;
        return Process.Start(info) ?? throw new BuildFailedException("cannot start the study");
    }

    /// <summary>SIGKILL to every process of the study's group (setsid made the study's pid its group id): every running task is hit.</summary>
    private static IReadOnlyList<string> KillGroup(Process study, IReadOnlyList<string> running)
    {
        using var kill = Process.Start("kill", ["-KILL", "--", $"-{study.Id}"]);
        kill.WaitForExit();
        return running;
    }

    /// <summary>
    /// SIGKILL to one worker (a `study run --task ID` child): the task it ran is hit. Null when there is no worker
    /// (between tasks, or a run in one process): then the study itself is killed.
    /// </summary>
    private static IReadOnlyList<string>? KillOneWorker(Process study, Random random)
    {
        var workers = Descendants(study.Id).Select(p => (Pid: p, Line: CommandLine(p).Split(' '))).Where(w => w.Line.Contains("--task")).ToList();
        if (workers.Count == 0)
        {
            study.Kill(entireProcessTree: true);
            return null;
        }
        var (pid, line) = workers[random.Next(workers.Count)];
        try { Process.GetProcessById(pid).Kill(); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException) { return []; } // it had just finished
        return [line[Array.IndexOf(line, "--task") + 1]];
    }

    private static IEnumerable<int> Descendants(int pid)
    {
        var children = Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var p) ? p : -1).Where(p => p > 0)
            .Where(p => ParentOf(p) == pid).ToList();
        return children.Concat(children.SelectMany(Descendants));
    }

    private static int ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (IOException) { return -1; }
    }

    private static string CommandLine(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' '); }
        catch (IOException) { return ""; }
    }

    /// <summary>The tasks under way: task folders with a started marker and no manifest.</summary>
    private static IReadOnlyList<string> Running(IsolatedStudy run, string name)
    {
        var dir = Path.Combine(run.ArtifactsRoot, name);
        if (!Directory.Exists(dir)) return [];
        return Directory.EnumerateFiles(dir, "started.txt", SearchOption.AllDirectories)
            .Where(m => !File.Exists(Path.Combine(Path.GetDirectoryName(m)!, "manifest.json")))
            .Select(m => Path.GetRelativePath(dir, Path.GetDirectoryName(m)!).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>How far the run got: finished tasks, and files written (checkpoints, images).</summary>
    private static (int Manifests, int Files) Progress(IsolatedStudy run, string name)
    {
        var dir = Path.Combine(run.ArtifactsRoot, name);
        if (!Directory.Exists(dir)) return (0, 0);
        var files = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Where(f => !f.Contains(".tmp-")).ToList();
        return (files.Count(f => Path.GetFileName(f) == "manifest.json"), files.Count);
    }

    private static string Report(int seed, IReadOnlyList<Kill> kills, int attempts, TimeSpan elapsed, IReadOnlyList<string> differences, string verify, string name)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Chaos: the {name} study killed {kills.Count} times");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Seed {seed} (`./build.sh --target Chaos --seed {seed}` draws the same delays), {attempts} starts, {elapsed:hh\\:mm\\:ss} in all.");
        text.AppendLine(differences.Count == 0
            ? "Result: every task's outputs and every table equal the uninterrupted run's, byte for byte."
            : $"Result: {differences.Count} differences from the uninterrupted run.");
        text.AppendLine(CultureInfo.InvariantCulture, $"`repro study verify`: {verify}");
        text.AppendLine();
        text.AppendLine("| stage | kills that hit a task of it |");
        text.AppendLine("|---|---|");
        var byStage = kills.SelectMany(k => k.Victims.Select(v => v.Split('/')[0]).Distinct()).GroupBy(s => s).OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var g in byStage) text.AppendLine(CultureInfo.InvariantCulture, $"| {g.Key} | {g.Count()} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| (between tasks) | {kills.Count(k => k.Victims.Count == 0)} |");
        text.AppendLine();
        text.AppendLine("| # | at | kind | tasks hit |");
        text.AppendLine("|---|---|---|---|");
        foreach (var k in kills)
            text.AppendLine(CultureInfo.InvariantCulture, $"| {k.Number} | {TimeSpan.FromSeconds(k.AtSeconds):hh\\:mm\\:ss} | {k.Kind} | {string.Join(", ", k.Victims)} |");
        foreach (var d in differences) text.AppendLine(CultureInfo.InvariantCulture, $"- {d}");
        return text.ToString();
    }
}
