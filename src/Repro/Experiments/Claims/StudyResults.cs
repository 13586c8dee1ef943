using Repro.Similarity;

namespace Repro.Experiments.Claims;

/// <summary>The three models of the paper, by the names the paper gives them.</summary>
public static class StudyModels
{
    public const string UReal = "U-Real";
    public const string USynthetic = "U-Synthetic";
    public const string FSynthetic = "F-Synthetic";

    public static IReadOnlyList<string> All { get; } = [UReal, USynthetic, FSynthetic];
}

/// <summary>CKA between two trained models at one layer (the same layer index in both).</summary>
/// <param name="ModelA">First model, e.g. U-Real.</param>
/// <param name="SeedA">Seed of the first model's run.</param>
/// <param name="ModelB">Second model.</param>
/// <param name="SeedB">Seed of the second model's run (equal to SeedA for same-seed comparisons).</param>
/// <param name="Size">Input size of the analysis images (32, 64, 128, …).</param>
public sealed record LayerCka(string ModelA, int SeedA, string ModelB, int SeedB, int Size, int Layer, double Cka);

/// <summary>The layer × layer CKA map between two models (row: layer of A, column: layer of B).</summary>
public sealed record LayerMatrix(string ModelA, int SeedA, string ModelB, int SeedB, int Size, double[,] Cka);

/// <summary>mAP@0.5 of one model run on one test set.</summary>
public sealed record MapResult(string Model, int Seed, string TestSet, double Map);

/// <summary>Summary statistics of all layer outputs of one model run at one input size (Tables 3–4).</summary>
public sealed record ModelActivations(string Model, int Seed, int Size, ActivationSummary Summary);

/// <summary>What the network's layers are, by darknet index (shortcut, route, yolo, …).</summary>
public sealed record LayerKinds(int LayerCount, IReadOnlySet<int> Shortcut, IReadOnlySet<int> Route, IReadOnlySet<int> Yolo)
{
    /// <summary>YOLOv3's layer facts (docs/yolov3-layers.md).</summary>
    public static LayerKinds YoloV3 { get; } = new(107,
        new HashSet<int> { 4, 8, 11, 15, 18, 21, 24, 27, 30, 33, 36, 40, 43, 46, 49, 52, 55, 58, 61, 65, 68, 71, 74 },
        new HashSet<int> { 83, 86, 95, 98 },
        new HashSet<int> { 82, 94, 106 });

    public IReadOnlySet<int> Kind(string name) => name switch
    {
        "shortcut" => Shortcut,
        "route" => Route,
        "yolo" => Yolo,
        _ => throw new ArgumentException($"unknown layer kind '{name}' (shortcut, route, yolo)"),
    };
}

/// <summary>A comparison of two model runs at one analysis size.</summary>
public sealed record ComparisonKey(string ModelA, int SeedA, string ModelB, int SeedB, int Size);

/// <summary>
/// Everything a study run measured that the claims are judged on: the point estimates, and where the run kept them
/// the bootstrap replicates behind their intervals (<see cref="CkaReplicates"/>: per comparison, R per-layer curves
/// over jointly resampled analysis images; <see cref="MapReplicates"/>: per run and test set, R mAPs over resampled
/// test images). Without replicates a claim's interval spans its seeds only.
/// </summary>
public sealed record StudyResults(
    IReadOnlyList<LayerCka> PerLayer,
    IReadOnlyList<LayerMatrix> Matrices,
    IReadOnlyList<MapResult> Maps,
    IReadOnlyList<ModelActivations> Activations,
    IReadOnlyList<int> Seeds,
    LayerKinds Layers) : IMeasurements
{
    public IReadOnlyDictionary<ComparisonKey, double[][]> CkaReplicates { get; init; } = new Dictionary<ComparisonKey, double[][]>();

    public IReadOnlyDictionary<(string Model, int Seed, string TestSet), double[]> MapReplicates { get; init; } =
        new Dictionary<(string Model, int Seed, string TestSet), double[]>();

    /// <summary>How many CKA replicates every comparison has (0: none kept).</summary>
    public int CkaReplicateCount => CkaReplicates.Count == 0 ? 0 : CkaReplicates.Values.Min(r => r.Length);

    public int MapReplicateCount => MapReplicates.Count == 0 ? 0 : MapReplicates.Values.Min(r => r.Length);

    /// <summary>The per-layer CKA curve of a comparison, indexed by layer; throws naming what is missing.</summary>
    public double[] Curve(string modelA, int seedA, string modelB, int seedB, int size)
    {
        var rows = PerLayer.Where(r => r.Size == size &&
            ((r.ModelA == modelA && r.SeedA == seedA && r.ModelB == modelB && r.SeedB == seedB) ||
             (r.ModelA == modelB && r.SeedA == seedB && r.ModelB == modelA && r.SeedB == seedA))).ToList();
        if (rows.Count == 0)
            throw new KeyNotFoundException($"no per-layer CKA for {modelA} (seed {seedA}) vs {modelB} (seed {seedB}) at {size}×{size}");
        var curve = Enumerable.Repeat(double.NaN, Layers.LayerCount).ToArray();
        foreach (var r in rows) curve[r.Layer] = r.Cka;
        return curve;
    }

    /// <summary>mAP of one run. The untrained network is never evaluated: a detector that learned nothing finds
    /// nothing, so its mAP is taken as 0 (the mAP claims' control).</summary>
    public double Map(string model, int seed, string testSet) =>
        model == Stages.AnalyzeStage.Untrained ? 0
        : Maps.Where(m => m.Model == model && m.Seed == seed && m.TestSet == testSet).Select(m => (double?)m.Map).SingleOrDefault()
          ?? throw new KeyNotFoundException($"no mAP for {model} (seed {seed}) on {testSet}");

    public double Map(string model, string testSet) =>
        Maps.Where(m => m.Model == model && m.TestSet == testSet).Select(m => m.Map).DefaultIfEmpty(double.NaN).Average() is var v && double.IsNaN(v)
            ? throw new KeyNotFoundException($"no mAP for {model} on {testSet}")
            : v;
}
