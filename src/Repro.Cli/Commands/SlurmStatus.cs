using Repro.Experiments;
using Repro.Experiments.Slurm;
using Spectre.Console;

namespace Repro.Cli.Commands;

/// <summary>
/// <c>repro study status --slurm</c>: each task up to the stage as its Slurm job and its manifest tell it
/// (<see cref="SlurmTaskStatus"/>): done, queued, running (node, time so far), or ended without finishing, with its
/// log. Exit 0 when every task is done.
/// </summary>
internal static class SlurmStatus
{
    public sealed record Row(string Task, string State, string Job, string Node, string Elapsed, string Log, bool Done);

    public static int Show(StudyPlan plan, string target)
    {
        var rows = Rows(plan, target);
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 160; // a log or a pipe: rows, not a column of 3-letter pieces
        var table = new Table().Border(TableBorder.Simple).AddColumn(new TableColumn("Task").NoWrap()).AddColumn(new TableColumn("State").NoWrap()).AddColumn("Job")
            .AddColumn("Node").AddColumn(new TableColumn("Elapsed").RightAligned()).AddColumn(new TableColumn("Log").NoWrap());
        foreach (var r in rows)
        {
            var colour = r.Done ? "green" : r.State.StartsWith("running", StringComparison.Ordinal) ? "blue"
                : r.State.StartsWith("queued", StringComparison.Ordinal) ? "grey" : "red";
            table.AddRow(Markup.Escape(r.Task), $"[{colour}]{Markup.Escape(r.State)}[/]", r.Job, Markup.Escape(r.Node), r.Elapsed, Markup.Escape(r.Log));
        }
        Console.WriteLine($"logs in {Path.Combine(SlurmJobRecord.DirOf(plan.Context), "logs")} (shown for the tasks not done)");
        AnsiConsole.Write(table);
        var done = rows.Count(r => r.Done);
        Console.WriteLine($"{done} of {rows.Count} tasks done");
        return done == rows.Count ? 0 : 1;
    }

    public static IReadOnlyList<Row> Rows(StudyPlan plan, string target)
    {
        var record = SlurmJobRecord.Read(plan.Context);
        // Nothing submitted from this folder yet: no need for Slurm's commands to say so.
        var jobs = record.Count == 0 ? new Dictionary<string, SlurmQueuedJob>() : SlurmClient.Jobs();
        var rows = new List<Row>();
        foreach (var task in plan.UpTo(target))
        {
            var submitted = record.GetValueOrDefault(task.Id);
            var job = submitted is null ? null : jobs.GetValueOrDefault(submitted.Job);
            var status = SlurmTaskStatus.Of(submitted is not null, job, submitted is not null && File.Exists(submitted.Log), plan.WhyStale(task));
            rows.Add(new Row(task.Id, status.State, submitted?.Job ?? "", status.Running ? job!.Nodes : "", status.Running ? job!.Elapsed : "",
                status.ShowsLog ? Relative(plan, submitted!.Log) : "", status.Done));
        }
        return rows;
    }

    /// <summary>A log's name in the logs folder (the folder is printed once).</summary>
    private static string Relative(StudyPlan plan, string path) => Path.GetRelativePath(Path.Combine(SlurmJobRecord.DirOf(plan.Context), "logs"), path);
}
