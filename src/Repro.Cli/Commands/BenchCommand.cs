using System.CommandLine;
using System.Globalization;
using Repro.Benchmarks;
using Repro.Torch;
using Spectre.Console;

namespace Repro.Cli.Commands;

/// <summary>
/// <c>repro bench</c>: speed and memory as ratios to the machine's limits (measured peaks, direct libtorch,
/// budgets), never as pass/fail wall-clock times.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var threads = new Option<int?>("--threads") { Description = "libtorch threads (default: all cores)" };
        var repeats = new Option<int>("--repeats") { Description = "timed rounds per measurement (best is kept)", DefaultValueFactory = _ => 5 };
        var command = new Command("bench", "Measure the engine: conv GFLOP/s against libtorch's C++ API, per-op overhead.") { threads, repeats };
        command.SetAction(parse =>
        {
            if (parse.GetValue(threads) is { } n) torch.set_num_threads(n);
            AnsiConsole.MarkupLine($"libtorch {torch.version}, {torch.get_num_threads()} threads, CUDA {(torch.cuda.is_available() ? "available" : "not available")}");
            Print(EngineBenchmark.Run(parse.GetValue(repeats)));
            return 0;
        });
        return command;
    }

    internal static void Print(IEnumerable<BenchmarkRow> rows)
    {
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("Group").AddColumn("Measurement").AddColumn(new TableColumn("Value").RightAligned()).AddColumn("Unit")
            .AddColumn(new TableColumn("Ratio").RightAligned()).AddColumn("Ratio to");
        // A line per figure as it is measured (a long benchmark shows progress), then the table.
        foreach (var r in rows)
        {
            var ratio = r.Ratio is { } x ? $"  ({x.ToString("F3", CultureInfo.InvariantCulture)} of {r.RatioTo})" : "";
            AnsiConsole.MarkupLine(Markup.Escape($"  {r.Group}: {r.Name} = {r.Value.ToString("F2", CultureInfo.InvariantCulture)} {r.Unit}{ratio}"));
            table.AddRow(Markup.Escape(r.Group), Markup.Escape(r.Name), r.Value.ToString("F2", CultureInfo.InvariantCulture), Markup.Escape(r.Unit),
                r.Ratio is { } y ? y.ToString("F3", CultureInfo.InvariantCulture) : "", Markup.Escape(r.RatioTo));
        }
        AnsiConsole.Write(table);
    }
}
