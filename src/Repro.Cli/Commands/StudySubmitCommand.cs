using System.CommandLine;
using System.Globalization;
using Repro.Experiments;
using Repro.Experiments.Slurm;
using Repro.Torch.IO;
using Spectre.Console;

namespace Repro.Cli.Commands;

/// <summary>
/// <c>repro study submit --profile P --slurm [--stage S] [--resources KIND:KEY=VALUE,…] [--dry-run]</c>: the study's
/// tasks up to the stage (default: the last) as Slurm jobs, one per task, each after the jobs of the tasks it needs
/// (<c>--dependency=afterok</c>), each running <c>repro study run --task ID</c> on this artifacts folder, which must be
/// on a file system every node shares (the task locks keep two jobs off one task). Tasks that are up to date, or
/// whose job is still queued or running, are not submitted: a rerun submits what is left. --dry-run prints the
/// scripts and the dependency graph and submits nothing.
/// </summary>
internal static class StudySubmitCommand
{
    public static Command Create(Option<string> profile, Option<string> stage, Option<string> root, Option<string[]> set)
    {
        var slurm = new Option<bool>("--slurm") { Description = "submit to Slurm (sbatch; the one engine so far)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "print the job scripts and the dependency graph; submit nothing" };
        var resources = new Option<string[]>("--resources")
        {
            Description = "resources of a kind of task, KIND:KEY=VALUE,… with KIND train, gpu or cpu and keys partition, gres, cpus, mem, time, e.g. " +
                          "--resources train:gres=gpu:a100:1,cpus=8,mem=32G,time=2-00:00:00 (repeatable; `all:` for every kind); " +
                          "they replace the profile's (its \"slurm\" section), which replace the defaults",
            DefaultValueFactory = _ => [],
        };
        var partition = new Option<string>("--partition") { Description = "the partition of every job (same as --resources all:partition=P)", DefaultValueFactory = _ => "" };
        var grace = new Option<int>("--requeue-grace") { Description = "seconds before its time limit at which Slurm signals a training; it then requeues itself once the epoch under way is saved (or 30 s before the limit), so with a grace longer than an epoch no work is lost", DefaultValueFactory = _ => 600 };
        var command = new Command("submit", "Submit the study's tasks that are not up to date as Slurm jobs, each after the jobs of what it needs.")
            { profile, stage, slurm, dryRun, resources, partition, grace, root, set };
        command.SetAction(parse => StudyCommand.Guarded(() =>
        {
            if (!parse.GetValue(slurm)) throw new ArgumentException("submit needs an engine to submit to: --slurm");
            if (parse.GetValue(grace) is < 60 and var g) throw new ArgumentException($"--requeue-grace: {g} s is less than a minute, Slurm's signal granularity");
            var plan = StudyCommand.Load(parse.GetValue(root)!, parse.GetValue(profile)!, parse.GetValue(set)!, quiet: true);
            var target = StudyCommand.Target(plan, parse.GetValue(stage)!);
            plan.CheckInputs(target);
            var context = plan.Context;
            // The profile's resources, then the command line's: --partition, then each --resources in order.
            var specs = SlurmResourceSpec.FromProfile(Repro.Experiments.Profile.PathOf(context.RepoRoot, parse.GetValue(profile)!)).ToList();
            if (parse.GetValue(partition) is { Length: > 0 } p) specs.Add(SlurmResourceSpec.Parse($"{SlurmResourceSpec.All}:partition={p}"));
            specs.AddRange(parse.GetValue(resources)!.Select(SlurmResourceSpec.Parse));
            var jobCommand = new SlurmJobScript.Command(ReproCommand(), parse.GetValue(profile)!, context.RepoRoot, context.ArtifactsRoot, parse.GetValue(set)!);
            var logDir = Path.Combine(SlurmJobRecord.DirOf(context), "logs");

            var record = SlurmJobRecord.Read(context);
            var known = parse.GetValue(dryRun) && record.Count == 0 ? new Dictionary<string, SlurmQueuedJob>() : SlurmClient.Jobs();
            var queued = record.Where(r => known.TryGetValue(r.Value.Job, out var j) && j.Active).ToDictionary(r => r.Key, r => r.Value.Job);
            var jobs = SlurmSubmission.Plan(plan.UpTo(target), t => plan.WhyStale(t) is null, queued);
            var scripts = jobs.ToDictionary(j => j.Task.Id, j => SlurmJobScript.For(context, j.Task, SlurmResources.For(j.Task, plan.Profile, specs),
                jobCommand, TimeSpan.FromSeconds(parse.GetValue(grace)), logDir));

            if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 160; // a log or a pipe: the graph's rows unwrapped
            foreach (var (id, jobId) in queued) AnsiConsole.MarkupLine(Markup.Escape($"{id}: job {jobId} already queued or running, not submitted again"));
            if (jobs.Count == 0)
            {
                AnsiConsole.MarkupLine(queued.Count == 0 ? "every task is up to date: nothing to submit" : "nothing else to submit");
                return 0;
            }
            if (parse.GetValue(dryRun))
            {
                foreach (var job in jobs)
                {
                    Console.WriteLine($"# ---- {job.Task.Id}: {SlurmJobRecord.DirOf(context)}/scripts/{SlurmJobScript.FileName(job.Task)}.sh");
                    Console.Write(scripts[job.Task.Id].Text);
                }
                Console.WriteLine();
                AnsiConsole.Write(Graph(jobs, scripts, submitted: null));
                return 0;
            }

            // A job killed on another node (scancel, node failure) leaves its task's lock behind, naming a holder this
            // host cannot look at; squeue can: a lock held by a Slurm job that is no longer running is released.
            foreach (var job in jobs)
                if (TaskLock.RemoveIf(context, job.Task.Id, h => h.Slurm is { } s && !(known.TryGetValue(s.Job, out var q) && q.Active)) is { } gone)
                    AnsiConsole.MarkupLine(Markup.Escape($"{job.Task.Id}: released the lock of {gone} (Slurm job {gone.Slurm!.Job}, no longer running)"));

            var scriptDir = Path.Combine(SlurmJobRecord.DirOf(context), "scripts");
            Directory.CreateDirectory(scriptDir);
            Directory.CreateDirectory(logDir);
            var ids = new Dictionary<string, string>();
            foreach (var job in jobs)
            {
                var script = scripts[job.Task.Id];
                var path = Path.Combine(scriptDir, SlurmJobScript.FileName(job.Task) + ".sh");
                AtomicFile.WriteAllText(path, script.Text);
                var id = SlurmClient.Submit(path, [.. job.AfterQueuedJobs, .. job.AfterSubmittedTasks.Select(t => ids[t])]);
                ids[job.Task.Id] = id;
                // Recorded after each job: a submission that fails midway still knows what it sent.
                record[job.Task.Id] = new SlurmJobRecord(id, script.LogPattern.Replace("%j", id, StringComparison.Ordinal), DateTime.UtcNow);
                SlurmJobRecord.Write(context, record);
            }
            AnsiConsole.Write(Graph(jobs, scripts, ids));
            AnsiConsole.MarkupLine(Markup.Escape($"{jobs.Count} jobs submitted; `repro study status --slurm --profile {parse.GetValue(profile)}` follows them"));
            return 0;
        }));
        return command;
    }

    /// <summary>The jobs' dependency graph: each task, its kind and resources, and what it waits for.</summary>
    private static Table Graph(IReadOnlyList<SlurmSubmission.Job> jobs, IReadOnlyDictionary<string, SlurmJobScript> scripts, IReadOnlyDictionary<string, string>? submitted)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumn(new TableColumn("Task").NoWrap());
        if (submitted is not null) table.AddColumn("Job");
        table.AddColumn("Kind").AddColumn("Resources").AddColumn("After (afterok)");
        foreach (var job in jobs)
        {
            var r = scripts[job.Task.Id].Resources;
            // Many needs of one stage as "analyze/* (12)", as `study tasks` lists them; the job ids when a few.
            var tasks = job.AfterSubmittedTasks.Count <= 3 && submitted is not null
                ? string.Join(", ", job.AfterSubmittedTasks.Select(t => $"{t} ({submitted[t]})"))
                : StudyTasksCommand.Summary(job.AfterSubmittedTasks);
            var after = new[] { tasks }.Where(t => t.Length > 0).Concat(job.AfterQueuedJobs.Select(j => $"job {j} (queued)"));
            var resources = string.Join(" ", new[] { r.Partition is null ? null : $"partition={r.Partition}", r.Gres is null ? null : $"gres={r.Gres}" }.OfType<string>()
                .Append(string.Create(CultureInfo.InvariantCulture, $"cpus={r.Cpus} mem={r.Memory} time={r.Time}")));
            var row = new List<string> { Markup.Escape(job.Task.Id) };
            if (submitted is not null) row.Add(submitted[job.Task.Id]);
            row.AddRange([scripts[job.Task.Id].Kind, Markup.Escape(resources), Markup.Escape(string.Join(", ", after.DefaultIfEmpty("-")))]);
            table.AddRow(row.ToArray());
        }
        return table;
    }

    /// <summary>How a job runs this same build: `dotnet Repro.Cli.dll` or the apphost, by absolute path.</summary>
    private static IReadOnlyList<string> ReproCommand()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell which program this is (no process path)");
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? [process, typeof(StudySubmitCommand).Assembly.Location] : [process];
    }
}
