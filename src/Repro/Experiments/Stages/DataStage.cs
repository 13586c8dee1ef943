using System.Globalization;
using Repro.Data.Generation;
using Repro.Data.Labels;
using Repro.Data.Pretraining;
using Repro.Data.Reading;
using Repro.Data.Splitting;

namespace Repro.Experiments.Stages;

/// <summary>
/// The datasets of the study: generated two-domain street scenes (and the pre-training set), or BDD100K and
/// GTAV/VIPER from disk; read through the same readers, label map and filters either way, then split 60/20/20.
/// </summary>
public sealed class DataStage : SingleTaskStage
{
    public const string Real = "real";
    public const string Synthetic = "synthetic";

    public override string Name => "data";
    public override IReadOnlyList<string> DependsOn => [];
    public override StageCode Code => new("data.2", ["Data", "Experiments/Stages/DataStage.cs", "Experiments/Stages/DatasetIndex.cs"]);

    // Paths are not settings: the label map and the datasets on disk are external inputs, fingerprinted by content.
    public override object Settings(Profile profile) => new
    {
        profile.Data.Source, profile.Data.Real, profile.Data.Synthetic, profile.Data.PretrainSet, profile.Data.SplitSeed,
    };

    /// <summary>
    /// The label map, and for data on disk BDD100K's label file and VIPER's box files. The images themselves are not
    /// hashed (a hundred thousand files on every status check): a dataset's images are taken to be immutable.
    /// </summary>
    public override IReadOnlyList<ExternalInput> ExternalInputs(StudyContext context)
    {
        var data = context.Profile.Data;
        var inputs = new List<ExternalInput> { new("data.labelMap", context.ResolvePath(data.LabelMap, "data.labelMap")) };
        if (data.Source == "paths")
        {
            if (data.Bdd is { } bdd) inputs.Add(new("data.bdd.labels", context.ResolvePath(bdd.Labels, "data.bdd.labels")));
            if (data.GtavRoot is { } gtav) inputs.Add(new("data.gtav", context.ResolvePath(gtav, "data.gtav"), "*.csv"));
        }
        return inputs;
    }

    public override void Run(StudyContext context)
    {
        var dir = context.StageDir(Name);
        var data = context.Profile.Data;
        var labelMapPath = context.ResolvePath(data.LabelMap, "data.labelMap");
        DatasetSource realSource, syntheticSource;
        if (data.Source == "generated")
        {
            var pretrain = data.PretrainSet ?? throw Missing("data.pretrainSet");
            var pretrainOptions = new PretrainingSetOptions // built first: a bad setting fails before minutes of generation
            {
                PerClass = pretrain.PerClass, Seed = pretrain.Seed, Size = pretrain.Size, Realism = PretrainRealism(pretrain),
            };
            realSource = Generate(context, Domain.Real, data.Real ?? throw Missing("data.real"), Path.Combine(dir, Real));
            syntheticSource = Generate(context, Domain.Synthetic, data.Synthetic ?? throw Missing("data.synthetic"), Path.Combine(dir, Synthetic));
            context.Progress.Log($"generating the pre-training set: {pretrain.PerClass} images per class, {pretrain.Size} px");
            PretrainingSetGenerator.Generate(pretrainOptions, Path.Combine(dir, "pretrain"));
        }
        else
        {
            var bdd = data.Bdd ?? throw Missing("data.bdd");
            realSource = DatasetSource.Bdd(context.ResolvePath(bdd.Labels, "data.bdd.labels"), context.ResolvePath(bdd.Images, "data.bdd.images"));
            syntheticSource = DatasetSource.ViperRoot(context.ResolvePath(data.GtavRoot ?? throw Missing("data.gtav"), "data.gtav"));
        }

        var labelMap = LabelMap.Load(labelMapPath);
        foreach (var (domain, source) in new[] { (Real, realSource), (Synthetic, syntheticSource) })
        {
            context.Progress.Log($"reading the {domain} dataset from {source.Root}");
            var read = source.Read(labelMap);
            if (read.Images.Count < 10) throw new InvalidDataException($"{source.Root}: only {read.Images.Count} usable images in the {domain} dataset");
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

    private static InvalidDataException Missing(string setting) => new($"the profile's data.source is set, but {setting} is missing");
}
