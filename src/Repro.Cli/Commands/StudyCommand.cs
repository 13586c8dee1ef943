using System.CommandLine;
using System.Diagnostics;
using Repro.Experiments;
using Repro.Experiments.Stages;
using Repro.Torch;
using Spectre.Console;

namespace Repro.Cli.Commands;

/// <summary>
/// <c>repro study run|status --profile P --stage S [--force] [--set SETTING=VALUE …]</c>: runs a stage of the study and
/// whatever it needs that is not up to date, or says whether it is up to date (exit 0) or why not (exit 1).
/// <c>repro study run --task ID</c> runs one task only; <c>repro study tasks</c> lists them. --set replaces a profile
/// setting for this run (the tasks that read it rerun; the report lists it).
/// <c>repro study figures --profile P [--out DIR]</c> draws the figures from the outputs already there.
/// <c>repro study submit --slurm</c> sends the tasks to a Slurm cluster; <c>status --slurm</c> follows their jobs.
/// </summary>
internal static class StudyCommand
{
    public static Command Create()
    {
        var profile = new Option<string>("--profile") { Description = "experiment profile: NAME (experiments/profiles/NAME.json) or a path to a .json file", DefaultValueFactory = _ => "smoke" };
        var set = new Option<string[]>("--set") { Description = "replace a profile setting for this run, e.g. --set training.lr=1e-5 (repeatable)", DefaultValueFactory = _ => [] };
        var stage = new Option<string>("--stage") { Description = "the stage to bring up to date (default: the last)", DefaultValueFactory = _ => "" };
        var force = new Option<bool>("--force") { Description = "rerun the stage's tasks (or the task) even when up to date" };
        var task = new Option<string>("--task") { Description = "run only this task (an id from `repro study tasks`); refuses when a task it needs is not up to date", DefaultValueFactory = _ => "" };
        var root = new Option<string>("--repo") { Description = "repository root (default: found from the working directory)", DefaultValueFactory = _ => "" };

        var jobs = new Option<int>("--jobs") { Description = "run up to N independent tasks at once, as worker processes with the CPU cores split between them (default on a CPU: one per core, so every task runs on one thread; REPRO_JOBS sets it too; 1: one after another in this process, on every core; with --task: the task runs on the threads one of N would get)", DefaultValueFactory = _ => 0 };
        var devices = new Option<string>("--devices") { Description = "one worker process per device, e.g. cuda:0,cuda:1 (instead of --jobs)", DefaultValueFactory = _ => "" };
        var noWait = new Option<bool>("--no-wait") { Description = "refuse, naming the holder, when another run is running a task this one needs (default: wait for it)" };
        var run = new Command("run", "Bring a stage (and what it needs) up to date, or run one task.") { profile, stage, task, force, jobs, devices, root, set, noWait };
        run.SetAction(parse => Guarded(() =>
        {
            var plan = Load(parse.GetValue(root)!, parse.GetValue(profile)!, parse.GetValue(set)!);
            if (parse.GetValue(task) is { Length: > 0 } && parse.GetValue(stage) is { Length: > 0 })
                throw new ArgumentException("give --stage or --task, not both");
            var deviceList = parse.GetValue(devices)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            // A worker gets this process's profile, settings and repository, and the artifacts root by environment.
            string[] workerArgs =
            [
                "--profile", parse.GetValue(profile)!, "--repo", plan.Context.RepoRoot, .. parse.GetValue(set)!.SelectMany(o => new[] { "--set", o }),
                .. parse.GetValue(noWait) ? ["--no-wait"] : Array.Empty<string>(),
            ];
            var wait = !parse.GetValue(noWait);
            var slots = parse.GetValue(jobs) is > 0 and var given ? given : CpuJobs.Default(plan.Context);
            if (parse.GetValue(task) is { Length: > 0 })
                // A task run alone gets the threads the study gives it beside the others (by default one per core, so
                // one thread): float sums split across threads round differently, and rerunning one task must write
                // the bytes the whole study writes.
                torch.set_num_threads(CpuJobs.ThreadsPerTask(slots));
            plan.CheckInputs(parse.GetValue(task) is { Length: > 0 } t ? t : Target(plan, parse.GetValue(stage)!));
            var outcomes = parse.GetValue(task) is { Length: > 0 } only
                ? [StudyRunner.RunTask(plan, only, parse.GetValue(force), wait)]
                : slots > 1 || deviceList.Length > 0
                    ? ParallelStudyRun.Run(plan, Target(plan, parse.GetValue(stage)!), parse.GetValue(force), slots, deviceList, workerArgs)
                    : StudyRunner.Run(plan, Target(plan, parse.GetValue(stage)!), parse.GetValue(force), wait);
            var table = new Table().Border(TableBorder.Simple).AddColumn("Task").AddColumn(new TableColumn("Duration").RightAligned()).AddColumn("Status");
            foreach (var o in outcomes)
                table.AddRow(o.Task, o.Duration.ToString(@"hh\:mm\:ss"), o.Ran ? $"[green]ran[/] ({Markup.Escape(o.Reason)})" : $"[grey]{Markup.Escape(o.Reason)}[/]");
            AnsiConsole.Write(table);
            return 0;
        }));

        var slurm = new Option<bool>("--slurm") { Description = "each task's Slurm job (repro study submit --slurm): queued, running (node, elapsed), done or failed, with its log; exit 0 when every task is done" };
        var status = new Command("status", "Exit 0 when a stage is up to date (printing why), 1 when it must run.") { profile, stage, root, set, slurm };
        status.SetAction(parse => Guarded(() =>
        {
            var plan = Load(parse.GetValue(root)!, parse.GetValue(profile)!, parse.GetValue(set)!, quiet: parse.GetValue(slurm));
            var target = Target(plan, parse.GetValue(stage)!);
            if (parse.GetValue(slurm)) return SlurmStatus.Show(plan, target);
            var stale = plan.Select(target).Select(t => (t.Id, Why: plan.WhyStale(t))).FirstOrDefault(s => s.Why is not null);
            Console.WriteLine(stale.Why is null ? "up to date" : $"{stale.Id}: {stale.Why}");
            return stale.Why is null ? 0 : 1;
        }));

        var verify = new Command("verify", "Re-hash every finished task's outputs against its manifest; exit 1 naming each task whose files changed.") { profile, root, set };
        verify.SetAction(parse => Guarded(() =>
        {
            var plan = Load(parse.GetValue(root)!, parse.GetValue(profile)!, parse.GetValue(set)!, quiet: true);
            var (finished, changed) = (0, 0);
            foreach (var t in plan.Tasks)
            {
                if (Manifest.Read(plan.Dir(t)) is not { } manifest) continue;
                finished++;
                var check = TaskOutputs.Check(plan.Dir(t), plan.NestedIn(t), manifest, rehashAll: true);
                if (check.Changed is null) continue;
                changed++;
                Console.WriteLine($"{t.Id}: {check.Changed}");
            }
            Console.WriteLine(changed == 0
                ? $"{finished} finished tasks, every output as its manifest records"
                : $"{changed} of {finished} finished tasks have outputs that differ from their manifests: they rerun on the next `study run`");
            return changed == 0 ? 0 : 1;
        }));

        var output = new Option<string>("--out") { Description = "folder for the figures (default: artifacts/PROFILE/figures-preview)", DefaultValueFactory = _ => "" };
        var figures = new Command("figures", "Draw every figure from the run's finished outputs into a folder, checking and changing no stage.") { profile, root, set, output };
        figures.SetAction(parse => Guarded(() =>
        {
            // A restyled figure is new plot code, and `study run` reruns the plot task for it: this draws with the new
            // style from the outputs already there, into a folder of its own, so the tasks' folders stay as they were.
            var context = Load(parse.GetValue(root)!, parse.GetValue(profile)!, parse.GetValue(set)!).Context;
            var dir = parse.GetValue(output) is { Length: > 0 } given ? Path.GetFullPath(given) : Path.Combine(context.ArtifactsDir, "figures-preview");
            Directory.CreateDirectory(dir);
            PlotStage.Draw(context, dir);
            ReportStage.DrawClaims(ReportStage.Judge(context, StudyResultsReader.Read(context)), dir);
            Console.WriteLine($"figures: {dir}");
            return 0;
        }));

        var archive = new Option<string>("--file") { Description = "the packed task (.tar.gz)", Required = true };
        var pack = new Command("pack", "Pack a finished task's outputs and manifest into one file that travels.") { profile, task, archive, root, set };
        pack.SetAction(parse => Guarded(() =>
        {
            var plan = Load(parse.GetValue(root)!, parse.GetValue(profile)!, parse.GetValue(set)!, quiet: true);
            if (parse.GetValue(task) is not { Length: > 0 } id) throw new ArgumentException("pack needs --task ID");
            TaskArchive.Pack(plan, id, parse.GetValue(archive)!);
            Console.WriteLine($"{id} -> {parse.GetValue(archive)}");
            return 0;
        }));
        var unpack = new Command("unpack", "Put a packed task in place (outputs checked against its manifest) and say whether it is up to date here.") { profile, task, archive, root, set };
        unpack.SetAction(parse => Guarded(() =>
        {
            var plan = Load(parse.GetValue(root)!, parse.GetValue(profile)!, parse.GetValue(set)!, quiet: true);
            var id = TaskArchive.Unpack(plan, parse.GetValue(archive)!, parse.GetValue(task) is { Length: > 0 } t ? t : null);
            var why = plan.WhyStale(plan.Task(id));
            Console.WriteLine(why is null ? $"{id}: up to date" : $"{id}: unpacked, but not up to date here: {why}");
            return why is null ? 0 : 1;
        }));

        var seeds = new Option<int[]>("--seeds") { Description = "the seeds whose detectors to export (default: the profile's first)", DefaultValueFactory = _ => [], AllowMultipleArgumentsPerToken = true };
        var exportTo = new Option<string>("--to") { Description = "the folder to write (model.trainedWeights of a profile that evaluates them)", Required = true };
        var export = new Command("export-detectors", "Copy trained detectors (weights, training curve, anchors) of a finished study into a folder a profile can take them from (model.trainedWeights).") { profile, seeds, exportTo, root, set };
        export.SetAction(parse => Guarded(() =>
        {
            var plan = Load(parse.GetValue(root)!, parse.GetValue(profile)!, parse.GetValue(set)!, quiet: true);
            var chosen = parse.GetValue(seeds) is { Length: > 0 } s ? s : [plan.Profile.Seeds[0]];
            foreach (var file in GivenWeights.Export(plan, chosen, Path.GetFullPath(parse.GetValue(exportTo)!)))
                Console.WriteLine($"{file} ({new FileInfo(file).Length:N0} bytes)");
            return 0;
        }));

        return new Command("study", "Run the paper's study stage by stage or task by task (incremental, resumable).")
        {
            run, status, verify, StudyTasksCommand.Create(profile, stage, root, set), StudySubmitCommand.Create(profile, stage, root, set), StudyEstimateCommand.Create(profile, root, set), figures, pack, unpack, export,
        };
    }

    internal static string Target(StudyPlan plan, string stage) => stage.Length == 0 ? plan.Order[^1].Name : plan[stage.ToLowerInvariant()].Name;

    /// <summary>The plan for the profile; quiet: no progress lines (the output is data, e.g. JSON for a CI matrix).</summary>
    internal static StudyPlan Load(string repo, string profileName, string[] overrides, bool quiet = false)
    {
        var root = repo.Length > 0 ? repo : FindRepoRoot();
        var profile = Repro.Experiments.Profile.Find(root, profileName, overrides.Select(ProfileOverride.Parse).ToList());
        return Study.Plan(new StudyContext(profile, root, quiet ? new QuietProgress() : new ConsoleProgress()));
    }

    private sealed class QuietProgress : IStudyProgress
    {
        public void Report(string task, long done, long total, string detail = "") { }

        public void Log(string message) { }
    }

    internal static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Repro.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("cannot find the repository root (Repro.sln) from the working directory; pass --repo");
    }

    /// <summary>Bad input ends with one clear line and exit code 2, not a stack trace.</summary>
    internal static int Guarded(Func<int> action)
    {
        try { return action(); }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException
                                      or InvalidOperationException or KeyNotFoundException)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return 2;
        }
    }

    /// <summary>Progress as log lines, at most one per task every two seconds (CI logs stay readable). Reports come
    /// from worker threads too (data generation), so each is handled under a lock.</summary>
    private sealed class ConsoleProgress : Repro.Experiments.IStudyProgress
    {
        private readonly Dictionary<string, (Stopwatch Clock, long Start)> tasks = new();
        private readonly Stopwatch sinceLast = Stopwatch.StartNew();
        private readonly Lock gate = new();

        public void Report(string task, long done, long total, string detail = "")
        {
            lock (gate) ReportLocked(task, done, total, detail);
        }

        private void ReportLocked(string task, long done, long total, string detail)
        {
            if (!tasks.TryGetValue(task, out var t)) tasks[task] = t = (Stopwatch.StartNew(), done);
            var finished = total > 0 && done >= total;
            if (!finished && sinceLast.Elapsed.TotalSeconds < 2) return;
            sinceLast.Restart();
            var rate = (done - t.Start) / Math.Max(t.Clock.Elapsed.TotalSeconds, 1e-9);
            var eta = total > 0 && rate > 0 ? TimeSpan.FromSeconds((total - done) / rate).ToString(@"hh\:mm\:ss") : "?";
            var of = total > 0 ? $"{done}/{total}" : $"{done}";
            AnsiConsole.MarkupLine(Markup.Escape($"  {task}: {of} ({rate:F1}/s, ETA {eta}) {detail}"));
        }

        public void Log(string message) => AnsiConsole.MarkupLine($"[blue]{Markup.Escape(message)}[/]");
    }
}
