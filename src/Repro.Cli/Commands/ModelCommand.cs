using System.CommandLine;
using System.Globalization;
using Repro.Models.Darknet;
using Spectre.Console;

namespace Repro.Cli.Commands;

/// <summary><c>repro model summary</c>: every layer of a darknet cfg, as the study numbers them, with totals.</summary>
internal static class ModelCommand
{
    public static Command Create()
    {
        var command = new Command("model", "Inspect model cfgs.");
        command.Subcommands.Add(Summary());
        return command;
    }

    private static Command Summary()
    {
        var cfg = new Option<FileInfo>("--cfg") { Description = "darknet cfg file (e.g. experiments/models/yolov3.cfg)", Required = true };
        var width = new Option<double?>("--width") { Description = "width multiplier for every conv except the output convs" };
        var size = new Option<int?>("--size") { Description = "square input size in pixels (default: the cfg's)" };
        var classes = new Option<int?>("--classes") { Description = "class count (default: the cfg's)" };
        var format = new Option<string>("--format") { Description = "table or csv", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "csv");
        var command = new Command("summary", "One row per layer: index, type, filters, kernel/stride, inputs, output shape, parameters, part.");
        foreach (var o in new Option[] { cfg, width, size, classes, format }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            ModelSummary summary;
            try
            {
                var parsed = CfgParser.ParseFile(parse.GetValue(cfg)!.FullName)
                    .With(new ModelOverrides(parse.GetValue(classes), parse.GetValue(width), parse.GetValue(size)));
                summary = ModelSummary.Of(parsed);
            }
            catch (Exception e) when (e is DarknetCfgException or FileNotFoundException or ArgumentException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
            if (parse.GetValue(format) == "csv") WriteCsv(summary);
            else WriteTable(summary);
            return 0;
        });
        return command;
    }

    private static void WriteCsv(ModelSummary summary)
    {
        static string Field(object? v)
        {
            var text = Convert.ToString(v, CultureInfo.InvariantCulture) ?? "";
            return text.IndexOfAny([',', '"', '\n']) >= 0 ? $"\"{text.Replace("\"", "\"\"")}\"" : text;
        }
        static void Line(params object?[] fields) => Console.WriteLine(string.Join(',', fields.Select(Field)));
        Line("index", "type", "filters", "kernel_stride", "inputs", "output_chw", "parameters", "mflops", "part");
        foreach (var r in summary.Rows)
            Line(r.Index, r.Type, r.Filters, r.KernelStride, r.InputLayers, r.OutputShape, r.Parameters, r.MegaFlops.ToString("0.###", CultureInfo.InvariantCulture), r.Part);
        Line("total", "", "", "", "", "", summary.TotalParameters, (summary.GigaFlops * 1000).ToString("0.###", CultureInfo.InvariantCulture), "all");
    }

    private static void WriteTable(ModelSummary summary)
    {
        // A redirected console reports 80 columns; a summary piped to a file should not wrap its cells.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 160;
        var table = new Table().Title(Markup.Escape($"{summary.Cfg.File}: {summary.Rows.Count} layers, {summary.Cfg.Width}×{summary.Cfg.Height}, "
                                                    + $"{summary.Cfg.Classes} classes, width {summary.Cfg.WidthMultiplier:0.###}"));
        foreach (var h in new[] { "layer", "type", "filters", "k/s", "inputs", "output C×H×W", "parameters", "MFLOPs", "part" })
            table.AddColumn(h);
        foreach (var r in summary.Rows)
            table.AddRow(r.Index.ToString(CultureInfo.InvariantCulture), r.Type, r.Filters?.ToString(CultureInfo.InvariantCulture) ?? "",
                r.KernelStride, r.InputLayers, r.OutputShape, r.Parameters.ToString("N0", CultureInfo.InvariantCulture),
                r.MegaFlops.ToString("0.0", CultureInfo.InvariantCulture), r.Part);
        AnsiConsole.Write(table);
        AnsiConsole.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"parameters: {summary.TotalParameters:N0} (backbone 0–74: {summary.BackboneParameters:N0}, head: {summary.HeadParameters:N0}); {summary.GigaFlops:0.###} GFLOPs per image"));
    }
}
