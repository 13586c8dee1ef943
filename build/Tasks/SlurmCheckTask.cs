using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Repro.Build.Engine;
using Spectre.Console;

namespace Repro.Build.Tasks;

/// <summary>
/// `repro study submit --slurm` on a real Slurm cluster: a one-node cluster on this machine
/// (<see cref="LocalSlurmCluster"/>, slurm-wlm and munge installed when missing), the slurm-check profile's study
/// (every stage, minutes on two cores; --profile picks another) submitted to it, and two faults on the way: one
/// training is scancelled after its first checkpoint (its dependents are then cancelled, status names it with its
/// log, and a second submit sends exactly it and them again, and it resumes from its checkpoint), and another is sent
/// the signal Slurm sends near a time limit (it requeues itself, and resumes). Then every task's outputs and every
/// table must equal a local run's byte for byte, `study verify` must pass, and a third submit must find nothing to
/// do. Timings are printed. Not part of Test: the dependency scheduling alone adds minutes.
/// </summary>
[DependsOn(typeof(BuildSolutionTask))]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // Slurm, munge and unix file modes
internal sealed partial class SlurmCheckTask : BuildTask
{
    public override string Description => "submit --profile's study (default slurm-check) to a one-node Slurm cluster started here, kill and requeue trainings, compare with a local run";

    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(20);

    public override void Run(BuildContext context)
    {
        var profile = context.Arguments.Get("profile", "slurm-check");
        var name = ProfileFile.Read(context, profile).Name;
        var root = Path.Combine(context.Artifacts, "slurm-check");
        var timings = new List<(string What, TimeSpan Took)>();
        var total = Stopwatch.StartNew();

        LocalSlurmCluster.Install(context);
        timings.Add(("install slurm-wlm and munge (when missing)", total.Elapsed));
        var local = new IsolatedStudy("slurm-check-local", profile, Path.Combine(root, "local"), new Dictionary<string, string?>(), []);
        var clock = Stopwatch.StartNew();
        local.BringUpToDate(context);
        timings.Add(("local run (or reused)", clock.Elapsed));

        var run = new IsolatedStudy("slurm-check-cluster", profile, Path.Combine(root, "cluster"), new Dictionary<string, string?>(), []);
        if (Directory.Exists(run.ArtifactsRoot)) Directory.Delete(run.ArtifactsRoot, recursive: true);
        clock.Restart();
        using var cluster = LocalSlurmCluster.Start(context);
        timings.Add(("cluster start", clock.Elapsed));
        var environment = run.ProcessEnvironment();
        foreach (var (k, v) in cluster.Environment) environment[k] = v;
        var taskDir = (string task) => Path.Combine(run.ArtifactsRoot, name, task.Replace('/', Path.DirectorySeparatorChar));
        // Memory is not a consumable on this cluster; a job may not ask for more than the node has, which the
        // defaults (16G for a training) can exceed on a small machine.
        string[] submit = ["study", "submit", "--slurm", "--resources", "all:mem=1G"];

        clock.Restart();
        context.Run("dotnet", Cli.ArgsFor(context, profile, submit), environment);
        var trainings = Jobs(run, name).Keys.Where(t => t.StartsWith("train/", StringComparison.Ordinal) && t != "train/anchors").ToList();
        if (trainings.Count < 2) throw new BuildFailedException($"slurm-check: the profile has {trainings.Count} trainings; the check needs two");
        var (cancelled, requeued) = (trainings[0], trainings[1]);

        // Fault 1: a training cancelled after its first checkpoint, as scancel, a node failure or a time limit would.
        WaitForCheckpoint(taskDir(cancelled), cancelled);
        var cancelledJob = Jobs(run, name)[cancelled];
        context.Run("scancel", [cancelledJob], cluster.Environment);
        WaitFor(() => State(context, cluster, cancelledJob) is "CANCELLED", $"{cancelled} (job {cancelledJob}) to end");
        var cancelledAfter = CompletedEpochs(taskDir(cancelled));
        context.Info($"slurm-check: scancelled {cancelled} (job {cancelledJob}) after epoch {cancelledAfter}");

        // Fault 2: the signal Slurm sends a training's batch shell before its time limit (--signal=B:USR1@GRACE).
        WaitForCheckpoint(taskDir(requeued), requeued);
        var requeuedJob = Jobs(run, name)[requeued];
        context.Run("scancel", ["--signal=USR1", "--batch", requeuedJob], cluster.Environment);
        WaitFor(() => State(context, cluster, requeuedJob) is "PENDING", $"{requeued} (job {requeuedJob}) to be requeued");
        var requeuedEpochs = CompletedEpochs(taskDir(requeued));
        // A requeued job waits about two minutes before it may start again (Slurm sets its begin time): start it now.
        context.Run("scontrol", ["update", $"JobId={requeuedJob}", "StartTime=now"], cluster.Environment);
        context.Info($"slurm-check: {requeued} (job {requeuedJob}) requeued itself after epoch {requeuedEpochs}");

        WaitForEmptyQueue(context, cluster);
        timings.Add(("first submission, to an empty queue", clock.Elapsed));
        var (statusCode, status) = context.Capture("dotnet", Cli.ArgsFor(context, profile, "study", "status", "--slurm"), environment);
        Console.WriteLine(status);
        if (statusCode == 0) throw new BuildFailedException("slurm-check: status --slurm says every task is done after a training was cancelled");
        if (!Regex.IsMatch(Ansi().Replace(status, ""), $@"{Regex.Escape(cancelled)}\s+cancelled\s+{cancelledJob}\s"))
            throw new BuildFailedException($"slurm-check: status --slurm does not show {cancelled} cancelled as job {cancelledJob}");
        var notDone = NotUpToDate(context, profile, environment);

        clock.Restart();
        var before = Jobs(run, name);
        context.Run("dotnet", Cli.ArgsFor(context, profile, submit), environment);
        var resubmitted = Jobs(run, name).Where(j => before.GetValueOrDefault(j.Key) != j.Value).Select(j => j.Key).ToList();
        if (!resubmitted.Order(StringComparer.Ordinal).SequenceEqual(notDone.Order(StringComparer.Ordinal)) || !resubmitted.Contains(cancelled) || resubmitted.Contains(requeued))
            throw new BuildFailedException($"slurm-check: the second submit sent {string.Join(", ", resubmitted)}; the tasks not done were {string.Join(", ", notDone)}");
        WaitForEmptyQueue(context, cluster);
        timings.Add(($"second submission ({resubmitted.Count} jobs), to an empty queue", clock.Elapsed));

        var (doneCode, done) = context.Capture("dotnet", Cli.ArgsFor(context, profile, "study", "status", "--slurm"), environment);
        if (doneCode != 0) throw new BuildFailedException($"slurm-check: not every task is done after the second submission:\n{done}");
        var resumedFrom = FirstEpochLogged(Path.Combine(run.ArtifactsRoot, name, ".slurm", "logs", $"{cancelled.Replace('/', '+')}-{Jobs(run, name)[cancelled]}.log"), "");
        var requeuedFrom = FirstEpochLogged(Path.Combine(run.ArtifactsRoot, name, ".slurm", "logs", $"{requeued.Replace('/', '+')}-{requeuedJob}.log"), "start 1:");
        context.Info($"slurm-check: {cancelled} resumed at epoch {resumedFrom} (cancelled after {cancelledAfter}); {requeued} at epoch {requeuedFrom} (requeued after {requeuedEpochs})");
        // metrics.csv is written just after the checkpoint: a kill between the two leaves a checkpoint one epoch ahead.
        bool ResumedFromCheckpoint(int from, int epochs) => epochs >= 1 && (from == epochs + 1 || from == epochs + 2);
        if (!ResumedFromCheckpoint(resumedFrom, cancelledAfter) || !ResumedFromCheckpoint(requeuedFrom, requeuedEpochs))
            throw new BuildFailedException($"slurm-check: a training did not resume from its checkpoint ({cancelled}: epoch {resumedFrom} after {cancelledAfter}; {requeued}: epoch {requeuedFrom} after {requeuedEpochs})");

        var differences = StudyRunComparison.Differences(local, run, name);
        var (verifyCode, verify) = context.Capture("dotnet", Cli.ArgsFor(context, profile, "study", "verify"), environment);
        var (_, third) = context.Capture("dotnet", Cli.ArgsFor(context, profile, submit), environment);
        timings.Add(("whole check", total.Elapsed));

        var table = new Table().AddColumn("step").AddColumn(new TableColumn("time").RightAligned());
        foreach (var (what, took) in timings) table.AddRow(Markup.Escape(what), took.ToString(@"mm\:ss", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        Console.WriteLine($"resubmitted after the cancellation ({resubmitted.Count}, the tasks not done): {string.Join(", ", resubmitted)}");
        Console.WriteLine($"verify: {verify.Trim()}");
        Console.WriteLine($"third submit: {third.Trim()}");
        foreach (var d in differences) Console.WriteLine($"  {d}");
        if (differences.Count > 0) throw new BuildFailedException($"slurm-check: the cluster's run differs from the local run ({differences.Count} differences above)");
        if (verifyCode != 0) throw new BuildFailedException("slurm-check: study verify failed on the cluster's run");
        if (!third.Contains("nothing to submit", StringComparison.Ordinal)) throw new BuildFailedException("slurm-check: a third submit of the finished study submitted jobs");
        context.Info($"slurm-check: every task's outputs and every table equal the local run's, byte for byte ({run.ArtifactsRoot} against {local.ArtifactsRoot})");
    }

    /// <summary>The task → job id record that submit keeps (artifacts/PROFILE/.slurm/jobs.json).</summary>
    private static Dictionary<string, string> Jobs(IsolatedStudy run, string name)
    {
        var path = Path.Combine(run.ArtifactsRoot, name, ".slurm", "jobs.json");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("Job").GetString()!);
    }

    /// <summary>Waits until the training has written a checkpoint and has not finished.</summary>
    private static void WaitForCheckpoint(string dir, string task)
    {
        WaitFor(() => File.Exists(Path.Combine(dir, "checkpoint.tensors")) || File.Exists(Path.Combine(dir, "manifest.json")), $"{task}'s first checkpoint");
        if (File.Exists(Path.Combine(dir, "manifest.json")))
            throw new BuildFailedException($"slurm-check: {task} finished before it could be stopped midway (a profile with more epochs is needed)");
    }

    /// <summary>The tasks `study tasks` finds not up to date.</summary>
    private static IReadOnlyList<string> NotUpToDate(BuildContext context, string profile, IReadOnlyDictionary<string, string?> environment)
    {
        var (code, output) = context.Capture("dotnet", Cli.ArgsFor(context, profile, "study", "tasks", "--format", "json"), environment);
        if (code != 0) throw new BuildFailedException("slurm-check: cannot list the study's tasks");
        using var json = JsonDocument.Parse(output);
        return json.RootElement.EnumerateArray().Where(t => !t.GetProperty("upToDate").GetBoolean()).Select(t => t.GetProperty("id").GetString()!).ToList();
    }

    /// <summary>Epochs recorded in metrics.csv (written with each checkpoint, after it).</summary>
    private static int CompletedEpochs(string dir)
    {
        var metrics = Path.Combine(dir, "metrics.csv");
        return File.Exists(metrics) ? File.ReadLines(metrics).Skip(1).Count(l => l.Length > 0) : 0;
    }

    /// <summary>The first epoch a job's log reports (after the marker line, when given): where that start of the training began.</summary>
    private static int FirstEpochLogged(string log, string after)
    {
        if (!File.Exists(log)) throw new BuildFailedException($"slurm-check: no log {log}");
        var text = File.ReadAllText(log);
        if (after.Length > 0)
        {
            var at = text.IndexOf(after, StringComparison.Ordinal);
            if (at < 0) throw new BuildFailedException($"slurm-check: {log} has no line with '{after}' (the requeued job never started again)");
            text = text[at..];
        }
        var match = EpochLine().Match(text);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : throw new BuildFailedException($"slurm-check: {log} reports no epoch");
    }

    [GeneratedRegex(@" epoch (\d+)/\d+ ")]
    private static partial Regex EpochLine();

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex Ansi();

    private static string State(BuildContext context, LocalSlurmCluster cluster, string job) =>
        context.Capture("squeue", ["--noheader", "--states=all", "--jobs", job, "--format=%T"], cluster.Environment).Output.Trim();

    private static void WaitForEmptyQueue(BuildContext context, LocalSlurmCluster cluster) =>
        WaitFor(() => context.Capture("squeue", ["--noheader", "--format=%i"], cluster.Environment).Output.Trim().Length == 0, "the queue to empty");

    private static void WaitFor(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Patience) throw new BuildFailedException($"slurm-check: gave up waiting for {what} after {Patience.TotalMinutes} minutes");
            Thread.Sleep(100);
        }
    }
}
