using System.Globalization;
using Repro.Data.Downloads;
using Repro.Data.Generation;
using Repro.Data.Labels;
using Repro.Data.Pretraining;
using Repro.Data.Reading;
using Repro.Data.Splitting;

namespace Repro.Experiments.Stages;

/// <summary>
/// The datasets of the study: generated two-domain street scenes (and the pre-training set), or BDD100K and
/// GTAV/VIPER as downloaded (their official splits pooled, docs/datasets.md); read through the same readers, label
/// map and filters either way, then split 60/20/20 from the profile's seed.
/// </summary>
public sealed class DataStage : SingleTaskStage
{
    public const string Real = "real";
    public const string Synthetic = "synthetic";

    public override string Name => "data";
    public override IReadOnlyList<string> DependsOn => [];
    public override StageCode Code => new("data.3", ["Data", "Experiments/Stages/DataStage.cs", "Experiments/Stages/DatasetIndex.cs"]);

    // Paths are not settings: the label map and the datasets on disk are external inputs, fingerprinted by content.
    public override object Settings(Profile profile) => new
    {
        profile.Data.Source, profile.Data.Real, profile.Data.Synthetic, profile.Data.PretrainSet, profile.Data.SplitSeed,
        profile.Data.BadImages, Bdd = Pooled(profile.Data.Bdd), Gtav = Pooled(profile.Data.Gtav),
    };

    // Which splits of a download are pooled, and which release: settings (the root is a path, its files are inputs).
    private static object? Pooled(DownloadSettings? download) => download is null ? null : new { download.Splits, download.Release };

    /// <summary>
    /// The label map, and for downloaded data each pooled split's label files (BDD100K's JSON, VIPER's box CSVs).
    /// The images themselves are not hashed (a hundred thousand files on every status check): a dataset's images
    /// are taken to be immutable. Finding the files here, when the study is planned, makes a missing piece of a
    /// download an error before any stage runs.
    /// </summary>
    public override IReadOnlyList<ExternalInput> ExternalInputs(StudyContext context)
    {
        var data = context.Profile.Data;
        var inputs = new List<ExternalInput> { new("data.labelMap", context.ResolvePath(data.LabelMap, "data.labelMap")) };
        if (data.Source == "downloads")
            foreach (var (setting, download) in Downloads(context))
                foreach (var part in download.Parts)
                    inputs.Add(part.Source.Format == DatasetFormat.Viper
                        ? new($"{setting}.{part.Split}", part.Labels, "*.csv")
                        : new($"{setting}.{part.Split}", part.Labels));
        return inputs;
    }

    /// <summary>The profile's downloads, found under their roots (an error names what was expected and is missing).</summary>
    public static IReadOnlyList<(string Setting, DownloadedDataset Dataset)> Downloads(StudyContext context)
    {
        var data = context.Profile.Data;
        var bdd = data.Bdd ?? throw Missing("data.bdd");
        var gtav = data.Gtav ?? throw Missing("data.gtav");
        return
        [
            ("data.bdd", BddDownload.Find(context.ResolvePath(bdd.Root, "data.bdd.root"), bdd.Splits, bdd.Release)),
            ("data.gtav", ViperDownload.Find(context.ResolvePath(gtav.Root, "data.gtav.root"), gtav.Splits)),
        ];
    }

    public override void Run(StudyContext context)
    {
        var dir = context.StageDir(Name);
        var data = context.Profile.Data;
        var labelMap = LabelMap.Load(context.ResolvePath(data.LabelMap, "data.labelMap"));
        Func<DatasetRead> readReal, readSynthetic;
        if (data.Source == "generated")
        {
            var pretrain = data.PretrainSet ?? throw Missing("data.pretrainSet");
            var pretrainOptions = new PretrainingSetOptions // built first: a bad setting fails before minutes of generation
            {
                PerClass = pretrain.PerClass, Seed = pretrain.Seed, Size = pretrain.Size, Realism = PretrainRealism(pretrain),
            };
            var realSource = Generate(context, Domain.Real, data.Real ?? throw Missing("data.real"), Path.Combine(dir, Real));
            var syntheticSource = Generate(context, Domain.Synthetic, data.Synthetic ?? throw Missing("data.synthetic"), Path.Combine(dir, Synthetic));
            context.Progress.Log($"generating the pre-training set: {pretrain.PerClass} images per class, {pretrain.Size} px");
            PretrainingSetGenerator.Generate(pretrainOptions, Path.Combine(dir, "pretrain"));
            readReal = () => realSource.Read(labelMap);
            readSynthetic = () => syntheticSource.Read(labelMap);
        }
        else
        {
            var downloads = Downloads(context);
            readReal = () => downloads[0].Dataset.Read(labelMap, context.Progress.Log);
            readSynthetic = () => downloads[1].Dataset.Read(labelMap, context.Progress.Log);
        }

        foreach (var (domain, readDataset) in new[] { (Real, readReal), (Synthetic, readSynthetic) })
        {
            context.Progress.Log($"reading the {domain} dataset");
            var read = readDataset();
            if (data.BadImages == "error") read.Report.ThrowIfUnreadable($"the {domain} dataset ({read.Name})", "data.badImages is 'error'");
            if (read.Images.Count < 10) throw new InvalidDataException($"{read.Name}: only {read.Images.Count} usable images in the {domain} dataset");
            var split = DatasetSplit.Create(read.Images.Select(i => i.Id), data.SplitSeed);
            new DatasetIndex(domain, read.Images, split).Write(dir, DatasetRoots.Of(context));
            DataReport.Create(read, split).Write(Path.Combine(dir, $"{domain}-report.json"));
            context.Progress.Log($"{domain}: {read.Images.Count} images (train {split.Train.Count}, val {split.Val.Count}, test {split.Test.Count})");
        }
    }

    private static DatasetSource Generate(StudyContext context, Domain domain, GeneratedDomain settings, string outDir)
    {
        var options = new GeneratorOptions
        {
            Domain = domain, Count = settings.Count, Seed = settings.Seed, Width = settings.Width, Height = settings.Height,
            // The overall realism level (0 clean render … 1 full camera effects) is the knob a study sweeps.
            Realism = new Realism { Level = settings.Realism },
            Depths = settings.Depths is { Length: 2 } d ? new DepthRange(d[0], d[1])
                : settings.Depths is null ? null : throw new InvalidDataException($"data.{domain.ToString().ToLowerInvariant()}.depths: give [near, far] in metres"),
        };
        var summary = StreetSceneGenerator.Generate(options, outDir, done => context.Progress.Report($"generate {domain}", done, settings.Count));
        context.Progress.Log($"{domain}: {summary.Images} images, {summary.LabelledBoxes} boxes, {summary.ImagesPerSecond:F0} images/s");
        return DatasetSource.TryDetect(outDir) ?? throw new InvalidDataException($"{outDir}: the generator wrote no dataset manifest");
    }

    private static (double Low, double High) PretrainRealism(PretrainSet set) => set.Realism switch
    {
        null => PretrainingSetOptions.RealDomain,
        [var low, var high] when PretrainingSetOptions.IsRealismRange((low, high)) => (low, high),
        var given => throw new InvalidDataException(
            $"data.pretrainSet.realism: [{string.Join(", ", given.Select(v => v.ToString(CultureInfo.InvariantCulture)))}] is not a range [low, high] with 0 ≤ low ≤ high ≤ 1"),
    };

    private static InvalidDataException Missing(string setting) => new($"{setting} is missing from the profile, and its data.source needs it");
}
