using System.Globalization;
using Repro.Data.Loading;
using Repro.Data.Splitting;
using Repro.Experiments.Claims;
using Repro.Models;
using Repro.Models.Darknet;
using Repro.Reporting.Tables;
using Repro.Similarity;
using Repro.Statistics;
using Repro.Torch;
using Repro.Torch.IO;
using Repro.Training;

namespace Repro.Experiments.Stages;

/// <summary>
/// The layer analysis: n random real test images (chosen by seed and recorded) through every trained model at each
/// analysis size; per-layer Gram matrices (one capture task per network); per-layer CKA with bootstrap intervals for every same-seed pair
/// and every model against an untrained network (the control) at every size, and for every cross-seed pair (all
/// pairs of seeds) at the primary size; layer × layer maps; means over all / backbone / head; activation
/// statistics. The bootstrap replicates of every comparison are kept (cka-replicates.tensors: "TAG/replicates",
/// R × 107 float32, TAG as in <see cref="ComparisonTag"/>; for a comparison with a layer × layer map also
/// "TAG/map-tiles", R × 81: each replicate's map as the tile means of <see cref="LayerSegments.YoloV3Blocks"/>); they
/// are drawn jointly, so a claim's statistic over several comparisons can be recomputed replicate by replicate; so
/// are the activation statistics of every resample (activation-stats-replicates.csv, from per-image accumulators).
/// </summary>
public sealed class AnalyzeStage : Stage
{
    public const string PerLayerTable = "cka-per-layer.csv";
    public const string MeansTable = "cka-means.csv";
    public const string StatisticsTable = "activation-stats.csv";
    public const string StatisticsReplicatesTable = "activation-stats-replicates.csv";
    public const string ImagesList = "images.txt";
    public const string Untrained = "untrained";
    public const string ReplicatesFile = "cka-replicates.tensors";
    public const string ReplicatesName = "replicates";
    public const string MapTilesName = "map-tiles";
    public const int UntrainedSeedOffset = 1000;

    public override string Name => "analyze";
    public override IReadOnlyList<string> DependsOn => ["data", "train"];
    public override StageCode Code => new("analyze.9", [.. StageCode.DataPrimitives, .. StageCode.DatasetLoading, .. StageCode.Detectors, "Similarity", "Statistics", "Reporting/Tables", "Experiments/Stages/AnalyzeStage.cs"]);

    public static string TaskId(ModelRun run) => $"analyze/{run.Folder}";

    /// <summary>The control of a seed: the architecture freshly initialised from seed + 1000 (never a trained run's initialisation).</summary>
    public static ModelRun Control(int seed) => new(Untrained, seed + UntrainedSeedOffset);

    /// <summary>
    /// One capture task per network (analyze/MODEL-seedS, on the profile's device): its per-layer Gram matrices at
    /// every analysis size and, for a trained one, its activation statistics; the controls likewise
    /// (analyze/untrained-seedS+1000). Then one task (analyze) that compares them all on the CPU.
    /// </summary>
    public override IReadOnlyList<StudyTask> Tasks(StudyContext context)
    {
        var profile = context.Profile;
        var analysis = profile.Analysis;
        IReadOnlyList<ExternalInput> Inputs() => StudyNetworks.DetectorInputs(context, withBackbone: false);
        StudyTask CaptureTask(ModelRun run, bool trained) => new StageTask(Name, TaskId(run),
            ["data", .. trained ? [TrainStage.TaskId(run)] : Array.Empty<string>(), .. TrainStage.AnchorNeeds(profile)],
            new
            {
                run.Model, run.Seed, profile.Model.Width, analysis.Images, analysis.ImageSeed, analysis.Sizes,
                StatisticsSizes = trained ? analysis.StatisticsSizes : [], analysis.MemoryBudgetGiB,
            },
            Inputs, context.DeviceKind, c => Capture(c, run, trained));
        var captures = ModelRun.All(profile).Select(run => CaptureTask(run, trained: true))
            .Concat(profile.Seeds.Select(seed => CaptureTask(Control(seed), trained: false))).ToList();
        return [.. captures, new StageTask(Name, Name, ["data", .. TrainStage.AnchorNeeds(profile), .. captures.Select(c => c.Id)],
            new { analysis, profile.Model.Width, profile.Seeds }, Inputs, "cpu", CompareAll)];
    }

    private static string GramsPath(StudyContext context, ModelRun run, int size) => Path.Combine(context.TaskDir(TaskId(run)), $"grams-{size}.tensors");

    private static GramCacheKey GramsKey(ModelRun run, IReadOnlyList<Data.Reading.LabeledImage> images, int size) =>
        new(run.Folder, Enumerable.Range(0, 107).ToList(), size, size, images.Select(i => i.Id).ToList());

    /// <summary>A network's Gram matrices at every analysis size (and its activation statistics at the statistics sizes).</summary>
    private static void Capture(StudyContext context, ModelRun run, bool trained)
    {
        var settings = context.Profile.Analysis;
        var images = ChooseImages(context);
        var (statistics, replicates) = (NewStatisticsTable(), NewStatisticsReplicatesTable());
        foreach (var size in trained ? settings.Sizes.Union(settings.StatisticsSizes) : settings.Sizes)
            Capture(context, run, images, size, trained && settings.StatisticsSizes.Contains(size) ? (statistics, replicates) : null)?.Dispose();
        if (!trained) return;
        CsvTable.Write(Path.Combine(context.TaskDir(TaskId(run)), StatisticsTable), statistics);
        CsvTable.Write(Path.Combine(context.TaskDir(TaskId(run)), StatisticsReplicatesTable), replicates);
    }

    private static ResultTable NewStatisticsTable() => new("activation-stats", "model", "seed", "size", "count", "mean", "std", "min", "max", "median",
        "median_error", "fraction_zero", "fraction_negative");

    /// <summary>The statistics of every bootstrap resample of the analysis images (the draws of the CKA replicates).</summary>
    private static ResultTable NewStatisticsReplicatesTable() => new("activation-stats-replicates", "model", "seed", "size", "replicate",
        "mean", "std", "min", "max", "median", "fraction_zero", "fraction_negative");

    private static readonly (string A, string B)[] Pairs =
        [(StudyModels.UReal, StudyModels.USynthetic), (StudyModels.UReal, StudyModels.FSynthetic), (StudyModels.USynthetic, StudyModels.FSynthetic)];

    /// <summary>Every comparison, from the Gram matrices the capture tasks wrote; the tables, replicates and matrices.</summary>
    private static void CompareAll(StudyContext context)
    {
        var dir = context.StageDir("analyze");
        var settings = context.Profile.Analysis;
        var seeds = context.Profile.Seeds;
        var primary = settings.Sizes[0];
        var images = ChooseImages(context);
        File.WriteAllLines(Path.Combine(dir, ImagesList), images.Select(i => i.Id));
        var kinds = LayerKindNames(StudyNetworks.DetectorCfg(context));

        var perLayer = new ResultTable("cka-per-layer", "model_a", "seed_a", "model_b", "seed_b", "size", "layer", "kind", "cka", "lower", "upper");
        var means = new ResultTable("cka-means", "model_a", "seed_a", "model_b", "seed_b", "size", "part", "layers", "mean", "lower", "upper");
        var (statistics, statisticsReplicates) = (NewStatisticsTable(), NewStatisticsReplicatesTable());

        var replicates = new List<KeyValuePair<string, Tensor>>();
        try
        {
            foreach (var size in settings.Sizes.Union(settings.StatisticsSizes))
            {
                var grams = new Dictionary<(string Model, int Seed), GramSet>();
                try
                {
                    // The statistics rows in the order a single pass over sizes and runs gives them.
                    if (settings.StatisticsSizes.Contains(size))
                        foreach (var run in ModelRun.All(context.Profile))
                            foreach (var (table, file) in new[] { (statistics, StatisticsTable), (statisticsReplicates, StatisticsReplicatesTable) })
                                foreach (var row in StudyResultsReader.Rows(Path.Combine(context.TaskDir(TaskId(run)), file)).Where(r => StudyResultsReader.Int(r["size"]) == size))
                                    table.AddRow([.. table.Columns.Select(c => (object?)row[c.Name])]);
                    if (!settings.Sizes.Contains(size)) continue;
                    foreach (var run in ModelRun.All(context.Profile))
                        grams[(run.Model, run.Seed)] = GramCache.Load(GramsPath(context, run, size), GramsKey(run, images, size));
                    // The control, recorded under the seed it stands beside.
                    foreach (var seed in seeds)
                        grams[(Untrained, seed)] = GramCache.Load(GramsPath(context, Control(seed), size), GramsKey(Control(seed), images, size));

                    void Compare(string a, int sa, string b, int sb, bool matrix)
                    {
                        var (ga, gb) = (grams[(a, sa)], grams[(b, sb)]);
                        var tag = ComparisonTag(a, sa, b, sb, size);
                        context.Progress.Log($"CKA {tag}");
                        // One bootstrap seed for every comparison: replicate r resamples the same images in all of them.
                        var boot = CkaBootstrap.Run(ga, gb, new BootstrapOptions(settings.Bootstrap, 0.95, settings.ImageSeed), NamedLayerRange.YoloV3Parts);
                        foreach (var (layer, e) in boot.PerLayer) perLayer.AddRow(a, sa, b, sb, size, layer, kinds[layer], e.Value, e.Lower, e.Upper);
                        foreach (var (range, e) in boot.Means) means.AddRow(a, sa, b, sb, size, range.Name, range.Range.Count, e.Value, e.Lower, e.Upper);
                        replicates.Add(KeyValuePair.Create($"{tag}/{ReplicatesName}", Rows(boot.Replicates)));
                        if (!matrix) return;
                        SimilarityCsv.WriteMatrix(Path.Combine(dir, "matrices", $"{tag}.csv"), CkaComparison.LayerByLayer(ga, gb));
                        var tiles = CkaBootstrap.MapTileReplicates(ga, gb, LayerSegments.YoloV3Blocks, new BootstrapOptions(settings.Bootstrap, 0.95, settings.ImageSeed));
                        replicates.Add(KeyValuePair.Create($"{tag}/{MapTilesName}", Rows(tiles)));
                    }

                    foreach (var seed in seeds)
                    {
                        foreach (var (a, b) in Pairs) Compare(a, seed, b, seed, matrix: size == primary);
                        foreach (var m in StudyModels.All) Compare(m, seed, Untrained, seed, matrix: size == primary);
                    }
                    if (size != primary) continue;
                    // Across seeds (Fig 6), every pair of seeds: each model pair both ways round, and each model with itself.
                    foreach (var (s, t) in SeedPairs(seeds))
                    {
                        foreach (var (a, b) in Pairs)
                        {
                            Compare(a, s, b, t, false);
                            Compare(a, t, b, s, false);
                        }
                        foreach (var m in StudyModels.All)
                        {
                            Compare(m, s, m, t, false);
                            // The control of the cross-seed claims: a trained model against the other seed's untrained network.
                            Compare(m, s, Untrained, t, false);
                            Compare(m, t, Untrained, s, false);
                        }
                    }
                }
                finally
                {
                    foreach (var g in grams.Values) g.Dispose();
                }
            }
            TensorFile.Save(Path.Combine(dir, ReplicatesFile), replicates);
        }
        finally
        {
            foreach (var r in replicates) r.Value.Dispose();
        }
        CsvTable.Write(Path.Combine(dir, PerLayerTable), perLayer);
        CsvTable.Write(Path.Combine(dir, MeansTable), means);
        CsvTable.Write(Path.Combine(dir, StatisticsTable), statistics);
        CsvTable.Write(Path.Combine(dir, StatisticsReplicatesTable), statisticsReplicates);
    }

    /// <summary>Every unordered pair of distinct seeds, in profile order.</summary>
    public static IEnumerable<(int First, int Second)> SeedPairs(IReadOnlyList<int> seeds) =>
        from i in Enumerable.Range(0, seeds.Count)
        from j in Enumerable.Range(i + 1, seeds.Count - i - 1)
        select (seeds[i], seeds[j]);

    /// <summary>The name of a comparison in file names and the replicates file: A-seedS-vs-B-seedT-SIZE.</summary>
    public static string ComparisonTag(string a, int sa, string b, int sb, int size) => $"{a}-seed{sa}-vs-{b}-seed{sb}-{size}";

    /// <summary>Rows of per-layer CKA as one float32 matrix: replicates are read back as intervals, far coarser than float32.</summary>
    private static Tensor Rows(IReadOnlyList<double[]> rows)
    {
        var flat = rows.SelectMany(r => r.Select(v => (float)v)).ToArray();
        return torch.tensor(flat, rows.Count, rows.Count == 0 ? 0 : rows[0].Length);
    }

    /// <summary>n images of the real test set, drawn by the analysis seed (the paper: 200 random real test images).</summary>
    private static IReadOnlyList<Data.Reading.LabeledImage> ChooseImages(StudyContext context)
    {
        var test = DatasetIndex.Read(context, DataStage.Real)[SplitName.Test].OrderBy(i => i.Id, StringComparer.Ordinal).ToList();
        var n = context.Profile.Analysis.Images;
        if (test.Count < n) throw new InvalidDataException($"analysis.images is {n}, but the real test set has only {test.Count} images");
        var random = new Random(context.Profile.Analysis.ImageSeed + (Mutants.Mutants.Is(Mutants.Mutants.AnalysisImageSeed) ? 1 : 0));
        return test.OrderBy(_ => random.Next()).Take(n).ToList();
    }

    /// <summary>
    /// Captures the network at one size; saves the Gram matrices when the size is an analysis size (a resumed task
    /// finds them and skips the size, unless it also wants statistics there). Null when nothing was computed.
    /// </summary>
    private static GramSet? Capture(StudyContext context, ModelRun run, IReadOnlyList<Data.Reading.LabeledImage> images, int size,
        (ResultTable Summary, ResultTable Replicates)? statistics)
    {
        var ids = images.Select(i => i.Id).ToList();
        var cachePath = GramsPath(context, run, size);
        var key = GramsKey(run, images, size);
        var wantStatistics = statistics is not null;
        var wantGrams = context.Profile.Analysis.Sizes.Contains(size);
        if (File.Exists(cachePath) && !wantStatistics) return null;

        var device = context.Device;
        using var network = DarknetNetwork.Build(StudyNetworks.DetectorCfg(context, size), run.Seed, device);
        if (run.Model != Untrained) Checkpoint.LoadWeights(StudyNetworks.TrainedWeights(context, run), network);
        var set = new ImageSet(ids, (start, count) =>
        {
            var pixels = new float[count * 3 * size * size];
            for (var i = 0; i < count; i++)
            {
                using var image = Image.Read(images[start + i].ImagePath);
                Letterbox.Apply(image, size, pixels.AsSpan(i * 3 * size * size, 3 * size * size));
            }
            using var cpu = torch.tensor(pixels, count, 3, size, size);
            return cpu.to(device);
        });
        context.Progress.Log($"capturing {run} at {size}×{size} ({ids.Count} images)");
        var options = new GramCaptureOptions((long)(context.Profile.Analysis.MemoryBudgetGiB * (1L << 30)), 8, wantStatistics);
        using var result = GramCapture.Capture(network, set, null, options);
        if (wantStatistics)
        {
            var all = new ActivationStatistics();
            foreach (var s in result.Statistics.Values) all.Merge(s);
            var x = all.Summary();
            var (summary, replicates) = statistics!.Value;
            summary.AddRow(run.Model, run.Seed, size, x.Count, x.Mean, x.Std, x.Min, x.Max, x.Median, x.MedianErrorBound, x.FractionZeros, x.FractionNegatives);
            var settings = context.Profile.Analysis;
            var draws = CkaBootstrap.Draws(new BootstrapOptions(settings.Bootstrap, 0.95, settings.ImageSeed), ids.Count);
            foreach (var (r, y) in ActivationStatistics.Resampled(result.PerImage, draws).Index())
                replicates.AddRow(run.Model, run.Seed, size, r, y.Mean, y.Std, y.Min, y.Max, y.Median, y.FractionZeros, y.FractionNegatives);
        }
        var centered = Mutants.Mutants.Is(Mutants.Mutants.CaptureNextLayer) ? NextLayers(result.Grams.Centered()) : result.Grams.Centered();
        if (wantGrams) GramCache.Save(cachePath, key, centered);
        return centered;
    }

    /// <summary>The mutant <see cref="Mutants.Mutants.CaptureNextLayer"/>: each layer's Gram matrix replaced by the next layer's.</summary>
    private static GramSet NextLayers(GramSet grams)
    {
        using (grams)
        {
            var layers = grams.Layers.Order().ToList();
            return new GramSet(layers.Select((l, i) => KeyValuePair.Create(l, grams[layers[Math.Min(i + 1, layers.Count - 1)]].clone())), isCentered: true);
        }
    }

    private static string[] LayerKindNames(DarknetCfg cfg) =>
        cfg.Layers.Select(l => l.GetType().Name.Replace("Spec", "").ToLowerInvariant()).ToArray();
}
