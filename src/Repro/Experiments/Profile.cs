using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Repro.Experiments;

/// <summary>
/// An experiment profile (experiments/profiles/NAME.json): every setting of a study run. `paper` is the real
/// protocol on BDD100K + GTAV; `smoke` the same study on generated data at CPU scale; `ci` the smallest honest
/// version of smoke. Values of the form ${VAR} come from the environment; a missing one is an error naming it.
/// </summary>
public sealed record Profile
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("description")] public string Description { get; init; } = "";
    [JsonPropertyName("device")] public string Device { get; init; } = "cpu";
    [JsonPropertyName("data")] public required DataSettings Data { get; init; }
    [JsonPropertyName("model")] public required ModelSettings Model { get; init; }
    [JsonPropertyName("pretrain")] public required PretrainSettings Pretrain { get; init; }
    [JsonPropertyName("training")] public required TrainingSettings Training { get; init; }
    [JsonPropertyName("seeds")] public required int[] Seeds { get; init; }
    [JsonPropertyName("evaluation")] public EvaluationSettings Evaluation { get; init; } = new();
    [JsonPropertyName("analysis")] public required AnalysisSettings Analysis { get; init; }

    /// <summary>
    /// The settings replaced for this run (<c>repro study run --set</c>, REPRO_PROFILE_SET), already applied to the
    /// values above; empty for the profile as written. Not a setting itself: the report lists it.
    /// </summary>
    [JsonIgnore] public IReadOnlyList<ProfileOverride> Overrides { get; init; } = [];

    /// <summary>Loads and checks a profile, with the overrides applied; errors name the file and the setting.</summary>
    public static Profile Load(string path, IReadOnlyList<ProfileOverride>? overrides = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"profile not found: {path}", path);
        overrides ??= [];
        Profile? profile;
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
            if (json is not JsonObject settings) throw new InvalidDataException($"{path}: a profile is a JSON object");
            // How a cluster runs the study's jobs is not a setting of the study: no task reads it, so it stays out of
            // every fingerprint and every report (SlurmResources reads it from the file).
            settings.Remove(ClusterResources);
            foreach (var o in overrides) o.ApplyTo(settings);
            profile = settings.Deserialize<Profile>(new JsonSerializerOptions { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
        if (profile is null) throw new InvalidDataException($"{path}: empty profile");
        profile = profile with { Overrides = overrides };
        var problems = profile.Problems().ToList();
        if (problems.Count > 0)
            throw new InvalidDataException($"{path}{(overrides.Count > 0 ? $" with {string.Join(", ", overrides)}" : "")}: {string.Join("; ", problems)}");
        return profile;
    }

    /// <summary>The profile file's section of Slurm resources per kind of task (<c>repro study submit --slurm</c>).</summary>
    public const string ClusterResources = "slurm";

    /// <summary>The profile of that name in experiments/profiles under the repository root.</summary>
    public static Profile Named(string repoRoot, string name, IReadOnlyList<ProfileOverride>? overrides = null) =>
        Load(Path.Combine(repoRoot, "experiments", "profiles", $"{name}.json"), overrides);

    /// <summary>
    /// A profile by name (experiments/profiles/NAME.json) or, when the argument ends in ".json", from that file
    /// (relative to the repository root unless absolute): a throwaway profile need not live in the repository.
    /// </summary>
    public static Profile Find(string repoRoot, string nameOrPath, IReadOnlyList<ProfileOverride>? overrides = null) =>
        Load(PathOf(repoRoot, nameOrPath), overrides);

    /// <summary>The file a --profile argument names: experiments/profiles/NAME.json, or the .json path given (relative to the repository root unless absolute).</summary>
    public static string PathOf(string repoRoot, string nameOrPath) =>
        IsPath(nameOrPath)
            ? Path.IsPathRooted(nameOrPath) ? nameOrPath : Path.Combine(repoRoot, nameOrPath)
            : Path.Combine(repoRoot, "experiments", "profiles", $"{nameOrPath}.json");

    /// <summary>Whether a --profile argument names a file rather than a profile of experiments/profiles.</summary>
    public static bool IsPath(string nameOrPath) => nameOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    private IEnumerable<string> Problems()
    {
        if (Seeds.Length == 0) yield return "seeds: at least one";
        if (Model.Width is <= 0 or > 4) yield return $"model.width: {Model.Width} is not in (0, 4]";
        if (Model.InputSize % 32 != 0) yield return $"model.inputSize: {Model.InputSize} is not a multiple of 32";
        if (Training.Batch < 1) yield return "training.batch: at least 1";
        if (Training.LearningRate <= 0) yield return "training.lr: must be positive";
        if (Training.Schedule is not ("constant" or "cosine")) yield return $"training.schedule: '{Training.Schedule}' is neither 'constant' nor 'cosine'";
        if (Training.WarmupEpochs < 0) yield return "training.warmupEpochs: must not be negative";
        if (Training.ObjectnessPrior is { } prior && !(prior > 0 && prior < 1)) yield return $"training.objectnessPrior: {prior} is not in (0, 1)";
        if (Model.Anchors is not ("cfg" or "fitted")) yield return $"model.anchors: '{Model.Anchors}' is neither 'cfg' nor 'fitted'";
        if (Analysis.Images < 4) yield return "analysis.images: at least 4";
        if (Analysis.Sizes.Length == 0) yield return "analysis.sizes: at least one size";
        if (Data.Source is not ("generated" or "downloads")) yield return $"data.source: '{Data.Source}' is neither 'generated' nor 'downloads'";
        if (Data.BadImages is not ("skip" or "error")) yield return $"data.badImages: '{Data.BadImages}' is neither 'skip' nor 'error'";
        if (Data.Bdd is { } bdd && bdd.Release is not ("auto" or "2018" or "2020")) yield return $"data.bdd.release: '{bdd.Release}' is not auto, 2018 or 2020";
        if (Data.Bdd is { Splits.Length: 0 }) yield return "data.bdd.splits: at least one split";
        if (Data.Gtav is { Splits.Length: 0 }) yield return "data.gtav.splits: at least one split";
    }

    /// <summary>Replaces ${VAR} with the environment's value; a missing variable is an error naming it and the setting.</summary>
    public static string Expand(string value, string setting) =>
        Regex.Replace(value, @"\$\{(\w+)\}", m => Environment.GetEnvironmentVariable(m.Groups[1].Value) is { Length: > 0 } v
            ? v
            : throw new InvalidOperationException($"{setting} needs the environment variable {m.Groups[1].Value} (it is not set): {value}"));
}

public sealed record DataSettings
{
    /// <summary>"generated" (the embedded two-domain street scenes) or "downloads" (BDD100K and VIPER as published, on disk).</summary>
    [JsonPropertyName("source")] public string Source { get; init; } = "generated";
    [JsonPropertyName("real")] public GeneratedDomain? Real { get; init; }
    [JsonPropertyName("synthetic")] public GeneratedDomain? Synthetic { get; init; }
    [JsonPropertyName("pretrainSet")] public PretrainSet? PretrainSet { get; init; }
    /// <summary>BDD100K's download root and the official splits pooled into the real dataset (downloads).</summary>
    [JsonPropertyName("bdd")] public DownloadSettings? Bdd { get; init; }
    /// <summary>VIPER's download root and the official splits pooled into the synthetic dataset (downloads).</summary>
    [JsonPropertyName("gtav")] public DownloadSettings? Gtav { get; init; }
    /// <summary>An image that cannot be read (truncated, not an image): "skip" it, counted and named in the data
    /// report, or make it an "error" that stops the data stage.</summary>
    [JsonPropertyName("badImages")] public string BadImages { get; init; } = "skip";
    [JsonPropertyName("splitSeed")] public int SplitSeed { get; init; }
    [JsonPropertyName("labelMap")] public string LabelMap { get; init; } = "experiments/label-map.json";
}

public sealed record GeneratedDomain(
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("width")] int Width,
    [property: JsonPropertyName("height")] int Height,
    [property: JsonPropertyName("seed")] int Seed,
    [property: JsonPropertyName("realism")] double Realism)
{
    /// <summary>[near, far] metres of the road users (null: the domain's default, <see cref="Data.Generation.DepthRange.For"/>).</summary>
    [JsonPropertyName("depths")] public double[]? Depths { get; init; }
}

public sealed record PretrainSet(
    [property: JsonPropertyName("perClass")] int PerClass,
    [property: JsonPropertyName("size")] int Size,
    [property: JsonPropertyName("seed")] int Seed)
{
    /// <summary>[low, high]: the camera realism of each crop's scene, drawn per crop (null: 1, the real domain's). A
    /// range stands in for ImageNet's breadth: images from many cameras, not one domain's.</summary>
    [JsonPropertyName("realism"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double[]? Realism { get; init; }
}

/// <summary>
/// A dataset as downloaded: its root (the readers find the release's files under it, docs/datasets.md), the official
/// splits to pool before the study splits 60/20/20, and for BDD100K which release's labels ("auto": 2020's if present).
/// </summary>
public sealed record DownloadSettings(
    [property: JsonPropertyName("root")] string Root,
    [property: JsonPropertyName("splits")] string[] Splits)
{
    [JsonPropertyName("release")] public string Release { get; init; } = "auto";
}

public sealed record ModelSettings
{
    [JsonPropertyName("cfg")] public string Cfg { get; init; } = "experiments/models/yolov3.cfg";
    [JsonPropertyName("classifierCfg")] public string ClassifierCfg { get; init; } = "experiments/models/darknet53-classifier.cfg";
    [JsonPropertyName("width")] public double Width { get; init; } = 1.0;
    [JsonPropertyName("inputSize")] public int InputSize { get; init; } = 416;
    /// <summary>"cfg" (the cfg's anchors, sized for 416 px COCO) or "fitted" (k-means on the training boxes at the
    /// input size, computed by the train stage).</summary>
    [JsonPropertyName("anchors")] public string Anchors { get; init; } = "cfg";
    /// <summary>A darknet53.conv.74 file to start from instead of our own pre-training (paper profile).</summary>
    [JsonPropertyName("backboneWeights")] public string? BackboneWeights { get; init; }
    /// <summary>
    /// A folder of detectors trained earlier (MODEL-seedS/best.tensors and metrics.csv, and anchors.txt when the
    /// anchors are fitted), taken instead of training: the golden profile evaluates and analyses fixed weights, so
    /// every number it writes is deterministic up to float rounding.
    /// </summary>
    [JsonPropertyName("trainedWeights"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TrainedWeights { get; init; }
}

public sealed record PretrainSettings
{
    [JsonPropertyName("epochs")] public int Epochs { get; init; } = 10;
    [JsonPropertyName("batch")] public int Batch { get; init; } = 32;
    [JsonPropertyName("lr")] public double LearningRate { get; init; } = 1e-3;
    /// <summary>
    /// One pre-training per seed, shared by that seed's models (the default), or one for all seeds (false: how every
    /// profile ran until 2026-12-07, and how smoke's recorded results were made).
    /// </summary>
    [JsonPropertyName("perSeed")] public bool PerSeed { get; init; } = true;
}

public sealed record TrainingSettings
{
    [JsonPropertyName("lr")] public double LearningRate { get; init; } = 1e-4;
    [JsonPropertyName("batch")] public int Batch { get; init; } = 8;
    [JsonPropertyName("maxEpochs")] public int MaxEpochs { get; init; } = 100;
    [JsonPropertyName("patience")] public int Patience { get; init; } = 10;
    /// <summary>Jitter placement, mirror and colour of training images (<see cref="Data.Loading.Augmentation"/>).</summary>
    [JsonPropertyName("augment")] public bool Augment { get; init; }
    /// <summary>Epochs of linear warm-up from a tenth of the rate (0: none, as the paper).</summary>
    [JsonPropertyName("warmupEpochs")] public double WarmupEpochs { get; init; }
    /// <summary>"constant" (the paper) or "cosine": a half cosine to 5 % of the rate at maxEpochs.</summary>
    [JsonPropertyName("schedule")] public string Schedule { get; init; } = "constant";
    /// <summary>Initial objectness probability of every predictor (null: PyTorch's default init, as the paper).</summary>
    [JsonPropertyName("objectnessPrior")] public double? ObjectnessPrior { get; init; }

    /// <summary>
    /// The epoch cap and patience of the frozen-backbone model, where they differ from the others' (null: the same, as
    /// the paper, which early-stops every model on its own). A frozen backbone's step costs well under half an unfrozen
    /// one's, and under the same cap its validation loss is still falling when the others' has flattened.
    /// </summary>
    [JsonPropertyName("frozenBackbone"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public FrozenBackboneSettings? FrozenBackbone { get; init; }

    /// <summary>
    /// The settings one model trains with, the frozen-backbone ones resolved. A task's fingerprint reads these, so a
    /// frozen-only setting leaves the other models' trainings up to date.
    /// </summary>
    public TrainingSettings For(bool frozenBackbone) => !frozenBackbone || FrozenBackbone is not { } frozen
        ? this with { FrozenBackbone = null }
        : this with { MaxEpochs = frozen.MaxEpochs ?? MaxEpochs, Patience = frozen.Patience ?? Patience, FrozenBackbone = null };
}

/// <summary>How long the frozen-backbone model may train, where it differs from the others (null: as the others).</summary>
public sealed record FrozenBackboneSettings
{
    [JsonPropertyName("maxEpochs")] public int? MaxEpochs { get; init; }
    [JsonPropertyName("patience")] public int? Patience { get; init; }
}

public sealed record EvaluationSettings
{
    [JsonPropertyName("iou")] public double Iou { get; init; } = 0.5;
    [JsonPropertyName("nmsIou")] public double NmsIou { get; init; } = 0.5;
    [JsonPropertyName("confidence")] public double Confidence { get; init; } = 0.001;
    /// <summary>Bootstrap resamples of the test images for mAP intervals (0: none).</summary>
    [JsonPropertyName("bootstrap")] public int Bootstrap { get; init; } = 1000;
    [JsonPropertyName("bootstrapSeed")] public int BootstrapSeed { get; init; }
}

public sealed record AnalysisSettings
{
    [JsonPropertyName("images")] public int Images { get; init; } = 200;
    [JsonPropertyName("imageSeed")] public int ImageSeed { get; init; }
    /// <summary>Input sizes of the CKA analysis; the first is the primary one the claims are judged at.</summary>
    [JsonPropertyName("sizes")] public int[] Sizes { get; init; } = [32, 64, 128];
    [JsonPropertyName("statisticsSizes")] public int[] StatisticsSizes { get; init; } = [416, 32];
    [JsonPropertyName("bootstrap")] public int Bootstrap { get; init; } = 1000;
    [JsonPropertyName("memoryBudgetGiB")] public double MemoryBudgetGiB { get; init; } = 8;
}
