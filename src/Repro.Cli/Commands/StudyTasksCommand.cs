using System.CommandLine;
using System.Text.Json;
using Repro.Experiments;
using Spectre.Console;

namespace Repro.Cli.Commands;

/// <summary>
/// <c>repro study tasks --profile P [--stage S] [--format table|json]</c>: every task of the study (or of one stage),
/// in an order where each comes after the tasks it needs: its id, the tasks it needs, the kind of device it wants,
/// and whether it is up to date (and if not, why). <c>--format matrix</c> writes the stage's tasks as a CI job matrix
/// (<see cref="CiMatrix"/>): what the nightly's plan job emits.
/// </summary>
internal static class StudyTasksCommand
{
    /// <summary>One task as the JSON form lists it.</summary>
    internal sealed record Row(string Id, string Stage, IReadOnlyList<string> Needs, string Device, bool UpToDate, string? Why);

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public static Command Create(Option<string> profile, Option<string> stage, Option<string> root, Option<string[]> set)
    {
        var format = new Option<string>("--format") { Description = "table (default), json, or matrix (a CI job matrix of the stage's tasks, one line)", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "matrix");
        var command = new Command("tasks", "List the study's tasks: id, needs, device, up to date or why not.") { profile, stage, format, root, set };
        command.SetAction(parse => StudyCommand.Guarded(() =>
        {
            var plan = StudyCommand.Load(parse.GetValue(root)!, parse.GetValue(profile)!, parse.GetValue(set)!, quiet: true);
            var rows = Rows(plan, parse.GetValue(stage)!);
            if (parse.GetValue(format) == "matrix")
            {
                if (parse.GetValue(stage) is not { Length: > 0 } s) throw new ArgumentException("--format matrix needs --stage");
                Console.WriteLine(CiMatrix.Json(CiMatrix.For(plan, plan[s.ToLowerInvariant()].Name)));
                return 0;
            }
            if (parse.GetValue(format) == "json")
            {
                Console.WriteLine(JsonSerializer.Serialize(rows, Json));
                return 0;
            }
            var table = new Table().Border(TableBorder.Simple).AddColumn(new TableColumn("Task").NoWrap()).AddColumn("Needs").AddColumn("Device").AddColumn("Status");
            foreach (var r in rows)
                table.AddRow(Markup.Escape(r.Id), Markup.Escape(Summary(r.Needs)), r.Device,
                    r.UpToDate ? "[green]up to date[/]" : Markup.Escape(r.Why ?? ""));
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    /// <summary>Needs for the table: more than three of one stage as "train/* (9)" (the JSON lists them all).</summary>
    internal static string Summary(IReadOnlyList<string> needs) =>
        string.Join(", ", needs.GroupBy(n => n.Split('/')[0]).SelectMany(g => g.Count() <= 3 ? g.ToArray() : [$"{g.Key}/* ({g.Count()})"]));

    internal static IReadOnlyList<Row> Rows(StudyPlan plan, string stage)
    {
        var tasks = stage.Length == 0 ? plan.Tasks : plan.Tasks.Where(t => t.Stage == plan[stage.ToLowerInvariant()].Name);
        return tasks.Select(t =>
        {
            var why = plan.WhyStale(t);
            return new Row(t.Id, t.Stage, t.Needs, t.Device, why is null, why);
        }).ToList();
    }
}
