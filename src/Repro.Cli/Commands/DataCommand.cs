using System.CommandLine;
using Repro.Data;
using Repro.Data.Generation;
using Repro.Data.Labels;
using Repro.Data.Pretraining;
using Repro.Data.Reading;
using Repro.Data.Statistics;
using Spectre.Console;

namespace Repro.Cli.Commands;

/// <summary><c>repro data</c>: generate the two-domain stand-in datasets and describe datasets.</summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var command = new Command("data", "Generate street-scene datasets (real / synthetic domain) and show dataset statistics.");
        command.Subcommands.Add(Generate());
        command.Subcommands.Add(Pretraining());
        command.Subcommands.Add(Prepare());
        command.Subcommands.Add(Stats());
        command.Subcommands.Add(Inspect());
        return command;
    }

    private static Command Inspect()
    {
        var profile = new Option<string>("--profile") { Description = "a profile whose data.source is 'downloads' (paper)", DefaultValueFactory = _ => "paper" };
        var set = new Option<string[]>("--set") { Description = "replace a profile setting, as in `study run`", DefaultValueFactory = _ => [] };
        var repo = new Option<string>("--repo") { Description = "repository root (default: found from the working directory)", DefaultValueFactory = _ => "" };
        var decode = new Option<bool>("--decode") { Description = "also decode every usable image (slow: the data stage checks headers and end markers only)" };
        var command = new Command("inspect", "What a study would read from the downloaded datasets, split by split, and whether the given darknet53.conv.74 fits, before anything trains.")
            { profile, set, repo, decode };
        command.SetAction(Guarded(parse => DataInspection.Run(StudyCommand.Load(parse.GetValue(repo)!, parse.GetValue(profile)!, parse.GetValue(set)!, quiet: true).Context, parse.GetValue(decode))));
        return command;
    }

    private static Command Prepare()
    {
        var dir = new Argument<string>("DIR") { Description = "dataset folder (dataset.json, or VIPER's bb/ and img/)" };
        var seed = new Option<long>("--seed") { Description = "split seed", DefaultValueFactory = _ => 0 };
        var outDir = new Option<string>("--out") { Description = "where train.txt, val.txt, test.txt and report.json go", Required = true };
        var labelMap = new Option<string?>("--label-map") { Description = "label map JSON (default: experiments/label-map.json, embedded)" };
        var command = new Command("prepare", "Read a dataset, split it 60/20/20 from the seed, write the id lists and the data report.");
        command.Arguments.Add(dir);
        foreach (var o in new Option[] { seed, outDir, labelMap }) command.Options.Add(o);
        command.SetAction(Guarded(parse =>
        {
            var path = parse.GetValue(dir)!;
            var source = DatasetSource.TryDetect(path) ?? throw new InvalidDataException($"{path}: not a dataset folder (no dataset.json, no bb/ and img/)");
            var map = parse.GetValue(labelMap) is { } m ? LabelMap.Load(m) : LabelMap.Default;
            var (_, split, report) = Repro.Data.Splitting.DataPreparation.Prepare(source, parse.GetValue(seed), parse.GetValue(outDir)!, map);
            AnsiConsole.MarkupLine($"train {split.Train.Count}, val {split.Val.Count}, test {split.Test.Count}; " +
                                   $"dropped {report.DroppedBoxes.Values.Sum()} boxes, skipped {report.SkippedImages.Values.Sum()} images");
            foreach (var message in report.Messages.Take(10)) AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(message)}[/]");
            return 0;
        }));
        return command;
    }

    // Bad input (a missing folder, a malformed label file, an out-of-range option) ends the command with its
    // message, which names the file and the item, instead of a stack trace.
    private static Func<ParseResult, int> Guarded(Func<ParseResult, int> action) => parse =>
    {
        try { return action(parse); }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or UnauthorizedAccessException
                                      or InvalidOperationException) // a profile's ${VARIABLE} that is not set
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return 1;
        }
    };

    private static (int Width, int Height) ParseSize(string text)
    {
        var parts = text.ToLowerInvariant().Split('x');
        if (parts.Length == 2 && int.TryParse(parts[0], out var w) && int.TryParse(parts[1], out var h) && w > 0 && h > 0) return (w, h);
        throw new ArgumentException($"--size '{text}': expected WIDTHxHEIGHT, e.g. 320x180");
    }

    private static Command Generate()
    {
        var domain = new Option<Domain?>("--domain") { Description = "real (BDD100K format, camera effects) or synthetic (VIPER format, clean render); or give --layout" };
        var layout = new Option<string?>("--layout") { Description = "write the scenes as a download is laid out: bdd100k (images/100k/{train,val,test}, labels of --release) or viper (train/ and val/ with img/ and bb/)" };
        var release = new Option<string>("--release") { Description = "--layout bdd100k: the release whose label files to write, 2018 or 2020", DefaultValueFactory = _ => "2020" };
        var count = new Option<int>("--count") { Description = "number of images", DefaultValueFactory = _ => 100 };
        var seed = new Option<long>("--seed") { Description = "seed: same seed, same files", DefaultValueFactory = _ => 0 };
        var size = new Option<string>("--size") { Description = "image size WIDTHxHEIGHT", DefaultValueFactory = _ => "320x180" };
        var outDir = new Option<string>("--out") { Description = "output folder", Required = true };
        var vocabulary = new Option<string>("--bdd-vocabulary") { Description = "real domain: BDD100K category names of 2018 or 2020 (det_20)", DefaultValueFactory = _ => "2020" };
        var workers = new Option<int>("--workers") { Description = "parallel workers", DefaultValueFactory = _ => Environment.ProcessorCount };
        var realism = RealismOptions.Create();
        var command = new Command("generate", "Render a street-scene dataset in the real or the synthetic domain.");
        foreach (var o in new Option[] { domain, layout, release, count, seed, size, outDir, vocabulary, workers }) command.Options.Add(o);
        realism.AddTo(command);
        command.SetAction(Guarded(parse =>
        {
            var (w, h) = ParseSize(parse.GetValue(size)!);
            var d = (parse.GetValue(layout), parse.GetValue(domain)) switch
            {
                (null, null) => throw new ArgumentException("give --domain (real or synthetic) or --layout (bdd100k or viper)"),
                ("bdd100k", null or Domain.Real) => Domain.Real,
                ("viper", null or Domain.Synthetic) => Domain.Synthetic,
                (null, { } given) => given,
                var (l, g) => throw new ArgumentException($"--layout '{l}'{(g is null ? "" : $" with --domain {g}")}: layouts are bdd100k (real) and viper (synthetic)"),
            };
            var options = new GeneratorOptions
            {
                Domain = d,
                Count = parse.GetValue(count),
                Seed = parse.GetValue(seed),
                Width = w,
                Height = h,
                Realism = realism.Read(parse, d),
                BddVocabulary = parse.GetValue(vocabulary) switch
                {
                    "2018" => BddVocabulary.Bdd2018,
                    "2020" => BddVocabulary.Bdd2020,
                    var v => throw new ArgumentException($"--bdd-vocabulary '{v}': expected 2018 or 2020"),
                },
                Workers = parse.GetValue(workers),
            };
            var target = parse.GetValue(outDir)!;
            GenerationSummary summary = null!;
            AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask($"{d} {w}x{h}", maxValue: Math.Max(1, options.Count));
                    summary = parse.GetValue(layout) switch
                    {
                        "bdd100k" => DownloadLayouts.WriteBdd(target, parse.GetValue(release)!, options),
                        "viper" => DownloadLayouts.WriteViper(target, options),
                        _ => StreetSceneGenerator.Generate(options, target, n => task.Value = n),
                    };
                    task.Value = task.MaxValue;
                });
            AnsiConsole.MarkupLine($"[green]{summary.Images}[/] images, {summary.LabelledBoxes} labelled boxes in {Markup.Escape(target)} " +
                                   $"({summary.ImagesPerSecond:F0} images/s on {options.Workers} workers)");
            return 0;
        }));
        return command;
    }

    private static Command Pretraining()
    {
        var perClass = new Option<int>("--per-class") { Description = "images per class", DefaultValueFactory = _ => 100 };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 0 };
        var size = new Option<int>("--size") { Description = "square image side in pixels", DefaultValueFactory = _ => 64 };
        var outDir = new Option<string>("--out") { Description = "output folder (a folder per class + index.csv)", Required = true };
        var command = new Command("pretraining", "Render the classification set (real domain) that stands in for ImageNet.");
        foreach (var o in new Option[] { perClass, seed, size, outDir }) command.Options.Add(o);
        command.SetAction(Guarded(parse =>
        {
            var target = parse.GetValue(outDir)!;
            var options = new PretrainingSetOptions { PerClass = parse.GetValue(perClass), Seed = parse.GetValue(seed), Size = parse.GetValue(size) };
            var n = PretrainingSetGenerator.Generate(options, target);
            AnsiConsole.MarkupLine($"[green]{n}[/] images in {PretrainingSetGenerator.Classes.Count} classes in {Markup.Escape(target)}");
            return 0;
        }));
        return command;
    }

    private static Command Stats()
    {
        var dirs = new Argument<string[]>("DIR") { Description = "dataset folders, or a folder holding dataset folders (real/ and synthetic/ side by side)", Arity = ArgumentArity.OneOrMore };
        var labelMap = new Option<string?>("--label-map") { Description = "label map JSON (default: experiments/label-map.json, embedded)" };
        var command = new Command("stats", "Images, boxes per class, box sizes and dropped boxes of one or more datasets, side by side.");
        command.Arguments.Add(dirs);
        command.Options.Add(labelMap);
        command.SetAction(Guarded(parse =>
        {
            var map = parse.GetValue(labelMap) is { } path ? LabelMap.Load(path) : LabelMap.Default;
            var sources = new List<DatasetSource>();
            foreach (var dir in parse.GetValue(dirs)!)
            {
                if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"{dir}: folder not found");
                if (DatasetSource.TryDetect(dir) is { } source) sources.Add(source);
                else
                    sources.AddRange(Directory.GetDirectories(dir).OrderBy(d => d, StringComparer.Ordinal)
                        .Select(DatasetSource.TryDetect).OfType<DatasetSource>());
            }
            if (sources.Count == 0) throw new InvalidDataException("no dataset found (a folder with dataset.json, or VIPER's bb/ and img/)");
            var stats = sources.Select(s => DatasetStatistics.Compute(s.Read(map))).ToList();
            AnsiConsole.Write(StatisticsTable(stats));
            return 0;
        }));
        return command;
    }

    private static Table StatisticsTable(IReadOnlyList<DatasetStatistics> stats)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("");
        foreach (var s in stats) table.AddColumn(new TableColumn(Markup.Escape(s.Name)).RightAligned());
        void Row(string name, Func<DatasetStatistics, string> cell) => table.AddRow([Markup.Escape(name), .. stats.Select(s => Markup.Escape(cell(s)))]);
        static string Share(int n, int total) => total == 0 ? "0" : $"{n} ({100.0 * n / total:F1}%)";
        Row("images", s => s.Images.ToString());
        Row("boxes", s => s.Boxes.ToString());
        Row("boxes per image", s => s.Images == 0 ? "-" : $"{(double)s.Boxes / s.Images:F2}");
        foreach (var c in CommonClasses.All) Row($"  {c.Name()}", s => Share(s.BoxesPerClass[c], s.Boxes));
        Row("median box size (√area px)", s => $"{s.MedianBoxSize:F1}");
        for (var i = 0; i < DatasetStatistics.SizeBinEdges.Length + 1; i++)
        {
            var bin = i;
            Row($"  size {stats[0].SizeHistogram[bin].Bin}", s => Share(s.SizeHistogram[bin].Count, s.Boxes));
        }
        foreach (var reason in Enum.GetValues<DropReason>())
            Row($"dropped: {reason}", s => s.Report.DroppedBoxes[reason].ToString());
        Row("clipped", s => s.Report.ClippedBoxes.ToString());
        foreach (var reason in Enum.GetValues<SkipReason>())
            Row($"skipped images: {reason}", s => s.Report.SkippedImages[reason].ToString());
        return table;
    }
}
