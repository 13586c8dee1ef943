using System.CommandLine;
using Repro.Reporting.Snapshots;
using Spectre.Console;

namespace Repro.Cli.Commands;

/// <summary>
/// <c>repro snapshot check|accept</c>: compare a run's result tables with the verified snapshots of its profile, and
/// (a person's decision, never CI's) promote the received files to verified.
/// </summary>
internal static class SnapshotCommand
{
    public static Command Create()
    {
        var command = new Command("snapshot", "Compare result tables with verified snapshots (expected-results/<profile>/), or accept received ones.");
        command.Subcommands.Add(CreateCheck());
        command.Subcommands.Add(CreateAccept());
        return command;
    }

    private static Option<string> ProfileOption() => new("--profile") { Description = "experiment profile (paper, smoke, ci)", DefaultValueFactory = _ => "smoke" };

    private static Option<string> ExpectedOption() => new("--expected") { Description = "folder of verified snapshots", DefaultValueFactory = _ => "expected-results" };

    private static Command CreateCheck()
    {
        var profile = ProfileOption();
        var expected = ExpectedOption();
        var produced = new Option<string?>("--produced") { Description = "folder of the run's tables (default: artifacts/<profile>/tables)" };
        var command = new Command("check", "Check every .csv/.md table of a run against its verified snapshot; writes *.received.* on a difference.") { profile, expected, produced };
        command.SetAction(parse =>
        {
            var p = parse.GetValue(profile)!;
            var store = new SnapshotStore(parse.GetValue(expected)!);
            IReadOnlyList<SnapshotResult> results;
            try
            {
                results = store.CheckDirectory(p, parse.GetValue(produced) ?? Path.Combine("artifacts", p, "tables"));
            }
            catch (Exception e) when (e is InvalidDataException or DirectoryNotFoundException or FileNotFoundException or ArgumentException)
            {
                AnsiConsole.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
                return 2;
            }
            var table = new Table().Border(TableBorder.Simple).AddColumn("Snapshot").AddColumn("Status");
            foreach (var r in results) table.AddRow(Markup.Escape(r.FileName), r.IsMatch ? "[green]match[/]" : $"[red]{r.Status}[/]");
            AnsiConsole.Write(table);
            foreach (var r in results.Where(r => !r.IsMatch))
            {
                Console.WriteLine();
                Console.WriteLine(r.Describe());
            }
            var failed = results.Count(r => !r.IsMatch);
            AnsiConsole.MarkupLine(failed == 0
                ? $"[green]{results.Count} snapshot(s) match.[/]"
                : $"[red]{failed} of {results.Count} snapshot(s) differ.[/]");
            return failed == 0 ? 0 : 1;
        });
        return command;
    }

    private static Command CreateAccept()
    {
        var profile = ProfileOption();
        var expected = ExpectedOption();
        var name = new Option<string?>("--name") { Description = "accept only this snapshot (default: every received file of the profile)" };
        var command = new Command("accept", "Promote received snapshots to verified (refused when CI is set).") { profile, expected, name };
        command.SetAction(parse =>
        {
            var store = new SnapshotStore(parse.GetValue(expected)!);
            try
            {
                var accepted = store.Accept(parse.GetValue(profile)!, parse.GetValue(name));
                if (accepted.Count == 0) AnsiConsole.MarkupLine("Nothing to accept: no received files.");
                foreach (var path in accepted) AnsiConsole.MarkupLine($"accepted [green]{Markup.Escape(path)}[/]");
                return 0;
            }
            catch (Exception e) when (e is SnapshotAcceptRefusedException or FileNotFoundException or ArgumentException)
            {
                AnsiConsole.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
                return 2;
            }
        });
        return command;
    }
}
