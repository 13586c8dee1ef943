using System.Diagnostics;
using Spectre.Console;

namespace Repro.Build.Engine;

/// <summary>Runs a plan of tasks in order, stops at the first failure, and closes with a summary table.</summary>
internal static class TaskRunner
{
    private enum Outcome { Succeeded, Skipped, Failed, NotRun, DryRun }

    private sealed record Row(string Task, TimeSpan Duration, Outcome Outcome, string Reason);

    public static int Run(IReadOnlyList<BuildTask> plan, BuildContext context)
    {
        var rows = new List<Row>();
        var failed = false;
        var total = Stopwatch.StartNew();
        foreach (var task in plan)
        {
            if (failed) { rows.Add(new Row(task.Name, TimeSpan.Zero, Outcome.NotRun, "an earlier task failed")); continue; }
            if (context.Arguments.DryRun) { rows.Add(new Row(task.Name, TimeSpan.Zero, Outcome.DryRun, "")); continue; }
            AnsiConsole.Write(new Rule($"[bold]{task.Name}[/]").LeftJustified());
            var watch = Stopwatch.StartNew();
            try
            {
                var skip = task.SkipReason(context);
                if (skip is not null)
                {
                    context.Info($"skipped: {skip}");
                    rows.Add(new Row(task.Name, watch.Elapsed, Outcome.Skipped, skip));
                    continue;
                }
                task.Run(context);
                rows.Add(new Row(task.Name, watch.Elapsed, Outcome.Succeeded, ""));
            }
            catch (Exception e)
            {
                failed = true;
                var message = e is BuildFailedException ? e.Message : e.ToString();
                AnsiConsole.MarkupLine($"[red]{Markup.Escape(task.Name)} failed:[/] {Markup.Escape(message)}");
                rows.Add(new Row(task.Name, watch.Elapsed, Outcome.Failed, e.Message.Split('\n')[0]));
            }
        }
        PrintSummary(rows, total.Elapsed);
        return failed ? 1 : 0;
    }

    private static void PrintSummary(IEnumerable<Row> rows, TimeSpan total)
    {
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("Task").AddColumn(new TableColumn("Duration").RightAligned()).AddColumn("Status").AddColumn("Skip reason");
        foreach (var r in rows)
        {
            var status = r.Outcome switch
            {
                Outcome.Succeeded => "[green]Succeeded[/]",
                Outcome.Skipped => "[yellow]Skipped[/]",
                Outcome.Failed => "[red]Failed[/]",
                Outcome.DryRun => "[grey]Dry run[/]",
                _ => "[grey]Not run[/]",
            };
            table.AddRow(Markup.Escape(r.Task), Format(r.Duration), status, Markup.Escape(r.Reason));
        }
        table.AddEmptyRow();
        table.AddRow("[bold]Total[/]", Format(total), "", "");
        AnsiConsole.Write(table);
    }

    private static string Format(TimeSpan t) => t.ToString(@"hh\:mm\:ss\.fff");
}
