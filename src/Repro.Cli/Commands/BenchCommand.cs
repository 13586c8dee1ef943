using System.CommandLine;
using System.Globalization;
using Repro.Benchmarks;
using Repro.Torch;
using Spectre.Console;

namespace Repro.Cli.Commands;

/// <summary>
/// <c>repro bench</c>: speed and memory as ratios to the machine's limits (the measured conv and matmul peaks,
/// direct libtorch, the memory budget), never as pass/fail wall-clock times.
/// </summary>
internal static class BenchCommand
{
    private static readonly string[] Suites = ["engine", "model", "training", "data", "similarity", "analysis"];

    /// <summary>What runs without --suite: all but the full-size analysis, which takes minutes and gigabytes.</summary>
    private static readonly string[] DefaultSuites = ["engine", "model", "training", "data", "similarity"];

    public static Command Create()
    {
        var threads = new Option<int?>("--threads") { Description = "libtorch threads (default: all cores)" };
        var repeats = new Option<int>("--repeats") { Description = "timed rounds per engine measurement (best is kept)", DefaultValueFactory = _ => 5 };
        var suites = new Option<string[]>("--suite") { Description = $"what to measure: {string.Join(", ", Suites)} (default: all but analysis)", AllowMultipleArgumentsPerToken = true };
        var widths = new Option<double[]>("--widths") { Description = "model widths", DefaultValueFactory = _ => [1, 0.5, 0.25], AllowMultipleArgumentsPerToken = true };
        var sizes = new Option<int[]>("--sizes") { Description = "model input sizes", DefaultValueFactory = _ => [416, 256, 128], AllowMultipleArgumentsPerToken = true };
        var batch = new Option<int>("--batch") { Description = "model batch size", DefaultValueFactory = _ => 8 };
        var device = new Option<string>("--device") { Description = "cpu or cuda[:N]", DefaultValueFactory = _ => "cpu" };
        var analysisWidth = new Option<double>("--analysis-width") { Description = "analysis suite: model width", DefaultValueFactory = _ => 1 };
        var analysisSize = new Option<int>("--analysis-size") { Description = "analysis suite: input size", DefaultValueFactory = _ => 416 };
        var analysisImages = new Option<int>("--analysis-images") { Description = "analysis suite: images (n)", DefaultValueFactory = _ => 200 };
        var budget = new Option<double>("--budget-gib") { Description = "analysis suite: memory budget of the Gram capture, GiB", DefaultValueFactory = _ => 8 };
        var results = new Option<FileInfo?>("--results") { Description = "also write the model and training rates as CSV (suite, width, size, batch, pass, images_per_second), for tools that compare runs" };
        var profileOps = new Option<DirectoryInfo?>("--profile-ops")
        {
            Description = "instead of measuring, record op-by-op profiles (chrome traces) of eval forwards and training steps at the first "
                          + "--widths/--sizes (default: width 0.25, 160 px, the smoke size) into DIR, for benchmarks/compare_op_profiles.py",
        };
        var profileIterations = new Option<int>("--profile-iterations") { Description = "forwards and steps recorded by --profile-ops", DefaultValueFactory = _ => 10 };
        var command = new Command("bench", "Measure the engine, the model, the data pipeline and the layer analysis against the machine's limits.")
            { threads, repeats, suites, widths, sizes, batch, device, analysisWidth, analysisSize, analysisImages, budget, results, profileOps, profileIterations };
        command.SetAction(parse =>
        {
            if (parse.GetValue(threads) is { } n) torch.set_num_threads(n);
            if (parse.GetValue(profileOps) is { } profileDir)
            {
                // The smoke size unless a width or size was given: the grid's defaults start with the paper's model.
                var width = parse.GetResult(widths) is { Implicit: false } ? parse.GetValue(widths)![0] : 0.25;
                var size = parse.GetResult(sizes) is { Implicit: false } ? parse.GetValue(sizes)![0] : 160;
                ProfileOps(profileDir, width, size, parse.GetValue(batch), Device.Parse(parse.GetValue(device)!), parse.GetValue(profileIterations));
                return 0;
            }
            var chosen = parse.GetValue(suites) is { Length: > 0 } s ? s : DefaultSuites;
            if (chosen.FirstOrDefault(x => !Suites.Contains(x)) is { } unknown)
            {
                AnsiConsole.MarkupLine($"[red]error:[/] unknown suite '{Markup.Escape(unknown)}' (choose from {string.Join(", ", Suites)})");
                return 2;
            }
            AnsiConsole.MarkupLine($"libtorch {torch.version}, {torch.get_num_threads()} threads, CUDA {(torch.cuda.is_available() ? "available" : "not available")}");
            var rows = new List<BenchmarkRow>();
            var rates = new List<string>();
            double? peak = null;
            if (chosen.Contains("engine"))
            {
                rows.AddRange(Print(EngineBenchmark.Run(parse.GetValue(repeats))));
                peak = rows.Single(r => r.Name.StartsWith("measured peak", StringComparison.Ordinal)).Value;
            }
            if (chosen.Contains("model"))
            {
                var options = new ModelBenchmarkOptions
                {
                    Widths = parse.GetValue(widths)!, Sizes = parse.GetValue(sizes)!, BatchSize = parse.GetValue(batch), Device = Device.Parse(parse.GetValue(device)!),
                };
                var modelRows = ModelBenchmark.Run(options).ToList();
                rates.AddRange(modelRows.Select(r => Rate("model", r.Width, r.Size, r.BatchSize, r.Pass == ModelPass.Forward ? "forward" : "forward-backward", r.ImagesPerSecond)));
                rows.AddRange(Print(modelRows.Select(r => new BenchmarkRow("model",
                    $"YOLOv3 w{r.Width} {r.Size}px {r.Pass} batch {r.BatchSize} ({r.ImagesPerSecond:F1} img/s)", r.AchievedGflopsPerSecond, "GFLOP/s",
                    peak is { } p ? r.PeakRatio(p) : null, peak is null ? "" : "measured conv peak"))));
            }
            if (chosen.Contains("training"))
            {
                // The floor is the measured conv peak: measure it here when the engine suite did not.
                peak ??= EngineBenchmark.MeasureConvPeak(parse.GetValue(repeats));
                var options = new TrainingBenchmarkOptions { Device = Device.Parse(parse.GetValue(device)!) };
                if (parse.GetResult(widths) is { Implicit: false } || parse.GetResult(sizes) is { Implicit: false })
                    options = options with
                    {
                        Configs = [.. from w in parse.GetValue(widths)! from z in parse.GetValue(sizes)! select new TrainingConfig(w, z, parse.GetValue(batch))],
                    };
                // Lazily, so each configuration prints as it is measured.
                var trainingRows = TrainingBenchmark.Run(options).Select(r =>
                {
                    rates.Add(Rate("training", r.Config.Width, r.Config.Size, r.Config.BatchSize, "train-step", r.ImagesPerSecond));
                    return r;
                });
                rows.AddRange(Print(trainingRows.SelectMany(r => TrainingRows(r, peak.Value))));
            }
            if (chosen.Contains("data")) rows.AddRange(Print(DataBenchmark.Run()));
            if (chosen.Contains("similarity")) rows.AddRange(Print(SimilarityBenchmark.Run()));
            if (chosen.Contains("analysis"))
            {
                var options = new AnalysisBenchmarkOptions
                {
                    Width = parse.GetValue(analysisWidth), Size = parse.GetValue(analysisSize), Examples = parse.GetValue(analysisImages),
                    MemoryBudgetGiB = parse.GetValue(budget), Device = Device.Parse(parse.GetValue(device)!),
                };
                rows.AddRange(Print(AnalysisBenchmark.Run(options, p => AnsiConsole.MarkupLine(Markup.Escape($"    {p}")))));
            }
            Summary(rows);
            if (parse.GetValue(results) is { } file)
                File.WriteAllLines(file.FullName, ["suite,width,size,batch,pass,images_per_second", .. rates]);
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The two workloads benchmarks/pytorch_yolov3.py --profile records, through the benchmarks' own code paths:
    /// eval forwards without gradients, and training steps (forward, YOLOv3 loss, backward, Adam). Three warm-up
    /// iterations first, so one-time work (oneDNN primitive creation, the allocator's first growth) stays out.
    /// </summary>
    private static void ProfileOps(DirectoryInfo dir, double width, int size, int batch, Device device, int iterations)
    {
        const int warmup = 3;
        dir.Create();
        AnsiConsole.MarkupLine($"libtorch {torch.version}, {torch.get_num_threads()} threads: profiling YOLOv3 w{width} {size}px batch {batch}, {iterations} iterations each");
        var forward = Path.Combine(dir.FullName, "repro-forward.json");
        ModelBenchmark.ProfileForward(new ModelBenchmarkOptions
        {
            Widths = [width], Sizes = [size], BatchSize = batch, Device = device, WarmupIterations = warmup,
        }, forward, iterations);
        AnsiConsole.MarkupLine($"  {Markup.Escape(forward)}");
        var trainStep = Path.Combine(dir.FullName, "repro-train-step.json");
        TrainingBenchmark.Profile(new TrainingConfig(width, size, batch), new TrainingBenchmarkOptions { Device = device, WarmupSteps = warmup }, trainStep, iterations);
        AnsiConsole.MarkupLine($"  {Markup.Escape(trainStep)}");
    }

    private static string Rate(string suite, double width, int size, int batch, string pass, double imagesPerSecond) =>
        string.Create(CultureInfo.InvariantCulture, $"{suite},{width},{size},{batch},{pass},{imagesPerSecond:R}");

    /// <summary>A configuration's rate against the FLOP floor, then where a step's time goes.</summary>
    private static IEnumerable<BenchmarkRow> TrainingRows(TrainingBenchmarkRow r, double peak)
    {
        var step = r.SecondsPerStep;
        yield return new BenchmarkRow("training", $"{r.Config} ({r.ImagesPerSecond:F1} img/s, floor allows {r.FloorImagesPerSecond(peak):F1})",
            r.AchievedGflopsPerSecond, "GFLOP/s", r.FloorRatio(peak), "FLOP floor at the measured conv peak");
        foreach (var (phase, seconds) in new[] { ("forward", step.Forward), ("loss", step.Loss), ("backward", step.Backward), ("Adam step", step.Update) })
            yield return new BenchmarkRow("training", $"  {phase}", seconds * 1e3, "ms/step", seconds / step.Total, "step");
    }

    /// <summary>A line per figure as it is measured, so a long benchmark shows progress.</summary>
    private static IEnumerable<BenchmarkRow> Print(IEnumerable<BenchmarkRow> rows)
    {
        foreach (var r in rows)
        {
            var ratio = r.Ratio is { } x ? $"  ({x.ToString("F3", CultureInfo.InvariantCulture)} of {r.RatioTo})" : "";
            AnsiConsole.MarkupLine(Markup.Escape($"  {r.Group}: {r.Name} = {r.Value.ToString("F2", CultureInfo.InvariantCulture)} {r.Unit}{ratio}"));
            yield return r;
        }
    }

    private static void Summary(IEnumerable<BenchmarkRow> rows)
    {
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("Group").AddColumn("Measurement").AddColumn(new TableColumn("Value").RightAligned()).AddColumn("Unit")
            .AddColumn(new TableColumn("Ratio").RightAligned()).AddColumn("Ratio to");
        foreach (var r in rows)
            table.AddRow(Markup.Escape(r.Group), Markup.Escape(r.Name), r.Value.ToString("F2", CultureInfo.InvariantCulture), Markup.Escape(r.Unit),
                r.Ratio is { } y ? y.ToString("F3", CultureInfo.InvariantCulture) : "", Markup.Escape(r.RatioTo));
        AnsiConsole.Write(table);
    }
}
