using Repro.Data;
using Repro.Data.Downloads;
using Repro.Data.Labels;
using Repro.Data.Reading;
using Repro.Data.Statistics;
using Repro.Experiments;
using Repro.Experiments.Stages;
using Spectre.Console;

namespace Repro.Cli.Commands;

/// <summary>
/// <c>repro data inspect --profile P</c>: what a study of downloaded datasets would read, before anything trains —
/// per official split the label file, the image files, the usable images, the image files not used (no label, or
/// skipped), labels without an image, unreadable images and duplicates (the pooled row: across splits); per category the boxes as written and where the label map sends them; the boxes per class after the map
/// and the filters; and the given darknet53.conv.74 checked against the cfg. A missing piece is an error naming the
/// path that was expected.
/// </summary>
internal static class DataInspection
{
    public static int Run(StudyContext context, bool decode = false)
    {
        if (context.Profile.Data.Source != "downloads")
            throw new ArgumentException($"profile '{context.Profile.Name}' generates its data (data.source '{context.Profile.Data.Source}'): `repro data stats` describes generated datasets");
        var labelMap = LabelMap.Load(context.ResolvePath(context.Profile.Data.LabelMap, "data.labelMap"));
        foreach (var (setting, dataset) in DataStage.Downloads(context))
        {
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(setting)}[/]: {Markup.Escape(dataset.Name)} ({Markup.Escape(dataset.Release)}) at {Markup.Escape(dataset.Root)}");
            var (pooled, parts) = dataset.ReadParts(labelMap);
            AnsiConsole.Write(Splits(dataset, parts, pooled));
            AnsiConsole.Write(Categories(pooled.Report, labelMap.Vocabulary(dataset.Parts[0].Source.Format == DatasetFormat.Viper ? LabelMap.Viper : LabelMap.Bdd100k)));
            AnsiConsole.Write(Boxes(pooled));
            foreach (var message in pooled.Report.Messages.Take(20)) AnsiConsole.MarkupLine($"  [yellow]{Markup.Escape(message)}[/]");
            if (pooled.Report.MessageCount > 20) AnsiConsole.MarkupLine($"  … {pooled.Report.MessageCount - 20} more (the data stage's report keeps the first {ReadReport.MaxMessages})");
            if (decode) Decode(pooled);
            if (context.Profile.Data.BadImages == "error")
                pooled.Report.ThrowIfUnreadable(dataset.Name, "data.badImages is 'error': the data stage would stop");
        }
        if (StudyNetworks.GivenBackbone(context) is { } weights)
            AnsiConsole.MarkupLine($"[bold]model.backboneWeights[/]: {Markup.Escape(weights)}: [green]matches[/] layers 0–74 of {Markup.Escape(context.Profile.Model.Cfg)} at width {context.Profile.Model.Width:0.###} ({new FileInfo(weights).Length:N0} bytes)");
        else
            AnsiConsole.MarkupLine("[bold]model.backboneWeights[/]: none given; the pretrain stage makes one backbone per seed");
        return 0;
    }

    /// <summary>
    /// Decodes every usable image (the data stage reads only headers and end markers, which a file damaged in its
    /// middle passes): slow, and worth it once on a fresh download.
    /// </summary>
    private static void Decode(DatasetRead read)
    {
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var done = 0;
        AnsiConsole.Progress().Start(progress =>
        {
            var task = progress.AddTask($"decoding {read.Name}", maxValue: Math.Max(1, read.Images.Count));
            Parallel.ForEach(read.Images, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, image =>
            {
                try { Repro.Torch.Image.Read(image.ImagePath).Dispose(); }
                catch (Exception e) when (e is InvalidDataException or IOException) { failures.Add(e.Message); }
                task.Value = Interlocked.Increment(ref done);
            });
        });
        AnsiConsole.MarkupLine(failures.IsEmpty
            ? $"  decoded all {read.Images.Count:N0} usable images"
            : $"  [red]{failures.Count:N0} of {read.Images.Count:N0} usable images do not decode[/]:");
        foreach (var failure in failures.Order(StringComparer.Ordinal).Take(20)) AnsiConsole.MarkupLine($"  [red]{Markup.Escape(failure)}[/]");
    }

    private static Table Splits(DownloadedDataset dataset, IReadOnlyList<DatasetRead> parts, DatasetRead pooled)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("split", "label file", "images", "usable", "unused", "no image", "unreadable", "duplicates");
        var usable = pooled.Images.Select(i => Path.GetFullPath(i.ImagePath)).ToHashSet(StringComparer.Ordinal);
        foreach (var (part, read) in dataset.Parts.Zip(parts))
        {
            var files = DownloadedDataset.ImageFiles(part).Select(Path.GetFullPath).ToList();
            var skipped = read.Report.SkippedImages;
            table.AddRow(
                Markup.Escape(part.Split), Markup.Escape(Path.GetFileName(part.Labels)), $"{files.Count:N0}", $"{read.Images.Count:N0}",
                $"{files.Count(f => !usable.Contains(f)):N0}", $"{skipped[SkipReason.MissingImage]:N0}", $"{skipped[SkipReason.UnreadableImage]:N0}",
                $"{skipped[SkipReason.DuplicateImage]:N0}");
        }
        var poolSkipped = pooled.Report.SkippedImages[SkipReason.DuplicateImage] - parts.Sum(p => p.Report.SkippedImages[SkipReason.DuplicateImage]);
        table.AddRow("[bold]pooled[/]", "", "", $"[bold]{pooled.Images.Count:N0}[/]", "", "", "", $"{poolSkipped:N0}");
        return table;
    }

    private static Table Categories(ReadReport report, LabelVocabulary vocabulary)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("category as written", "boxes", "label map");
        foreach (var (category, n) in report.Categories.OrderByDescending(c => c.Value))
            table.AddRow(Markup.Escape(category), $"{n:N0}", vocabulary.Lookup(category, out var cls) switch
            {
                LabelLookup.Ignored => "ignored",
                LabelLookup.Unknown => "[yellow]unknown[/]",
                _ => cls.Name(),
            });
        return table;
    }

    private static Table Boxes(DatasetRead read)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("after the label map and the filters", "boxes");
        var stats = DatasetStatistics.Compute(read);
        foreach (var c in CommonClasses.All) table.AddRow(c.Name(), $"{stats.BoxesPerClass[c]:N0}");
        foreach (var (reason, n) in read.Report.DroppedBoxes) table.AddRow($"dropped: {reason}", $"{n:N0}");
        table.AddRow("clipped to the image (kept)", $"{read.Report.ClippedBoxes:N0}");
        table.AddRow("images without a box", $"{read.Images.Count(i => i.Boxes.Count == 0):N0}");
        return table;
    }
}
