using System.Globalization;
using System.Text.RegularExpressions;
using Repro.Experiments.Claims;
using Repro.Reporting.Tables;
using Repro.Torch.IO;
using ActivationSummary = Repro.Similarity.ActivationSummary;

namespace Repro.Experiments.Stages;

/// <summary>Reads what the evaluate and analyze stages wrote back into <see cref="StudyResults"/>.</summary>
public static partial class StudyResultsReader
{
    public static StudyResults Read(StudyContext context)
    {
        var analyze = context.StageDir("analyze");
        var evaluate = context.StageDir("evaluate");
        var perLayer = Rows(Path.Combine(analyze, AnalyzeStage.PerLayerTable))
            .Select(r => new LayerCka(r["model_a"], Int(r["seed_a"]), r["model_b"], Int(r["seed_b"]), Int(r["size"]), Int(r["layer"]), Num(r["cka"])))
            .ToList();
        var maps = Rows(Path.Combine(evaluate, EvaluateStage.MapTable))
            .Select(r => new MapResult(r["model"], Int(r["seed"]), r["test_set"], Num(r["map"]))).ToList();
        var activations = Rows(Path.Combine(analyze, AnalyzeStage.StatisticsTable))
            .Select(r => new ModelActivations(r["model"], Int(r["seed"]), Int(r["size"]), new ActivationSummary(Long(r["count"]), Num(r["mean"]), Num(r["std"]),
                Num(r["min"]), Num(r["max"]), Num(r["median"]), Num(r["median_error"]), Num(r["fraction_zero"]), Num(r["fraction_negative"])))).ToList();
        var matrices = new List<LayerMatrix>();
        var matrixDir = Path.Combine(analyze, "matrices");
        if (Directory.Exists(matrixDir))
            foreach (var file in Directory.EnumerateFiles(matrixDir, "*.csv").Order(StringComparer.Ordinal))
            {
                var m = MatrixName().Match(Path.GetFileNameWithoutExtension(file));
                if (!m.Success) throw new InvalidDataException($"{file}: not a layer × layer matrix name (A-seedS-vs-B-seedS-SIZE)");
                matrices.Add(new LayerMatrix(m.Groups[1].Value, Int(m.Groups[2].Value), m.Groups[3].Value, Int(m.Groups[4].Value), Int(m.Groups[5].Value), Matrix(file)));
            }
        return new StudyResults(perLayer, matrices, maps, activations, context.Profile.Seeds, LayerKinds.YoloV3)
        {
            CkaReplicates = AnalysisReplicates(Path.Combine(analyze, AnalyzeStage.ReplicatesFile)).Curves,
            MapReplicates = MapReplicates(Path.Combine(evaluate, EvaluateStage.MapReplicatesTable)),
        };
    }

    /// <summary>The bootstrap replicates of the run's layer × layer maps, as tile means (none when the run kept none).</summary>
    public static MapTileReplicates ReadMapTiles(StudyContext context) =>
        new(AnalysisReplicates(Path.Combine(context.StageDir("analyze"), AnalyzeStage.ReplicatesFile)).MapTiles);

    /// <summary>The activation statistics of every bootstrap resample, per run and size (none when the run kept none).</summary>
    public static ActivationReplicates ReadActivationReplicates(StudyContext context)
    {
        var path = Path.Combine(context.StageDir("analyze"), AnalyzeStage.StatisticsReplicatesTable);
        if (!File.Exists(path)) return ActivationReplicates.None;
        return new(Rows(path).GroupBy(r => (r["model"], Int(r["seed"]), Int(r["size"]))).ToDictionary(g => g.Key, g => g.OrderBy(r => Int(r["replicate"]))
            .Select(r => new ActivationSummary(0, Num(r["mean"]), Num(r["std"]), Num(r["min"]), Num(r["max"]), Num(r["median"]), double.NaN,
                Num(r["fraction_zero"]), Num(r["fraction_negative"]))).ToArray()));
    }

    /// <summary>
    /// The analysis's bootstrap replicates per comparison: per-layer curves ("TAG/replicates") and, for the
    /// comparisons with a layer × layer map, its tile means ("TAG/map-tiles"); none when the run kept none.
    /// </summary>
    private static (Dictionary<ComparisonKey, double[][]> Curves, Dictionary<ComparisonKey, double[][]> MapTiles) AnalysisReplicates(string path)
    {
        var (curves, tiles) = (new Dictionary<ComparisonKey, double[][]>(), new Dictionary<ComparisonKey, double[][]>());
        if (!File.Exists(path)) return (curves, tiles);
        var tensors = TensorFile.Load(path);
        try
        {
            foreach (var (name, tensor) in tensors)
            {
                var slash = name.LastIndexOf('/');
                var (tag, kind) = slash < 0 ? ("", "") : (name[..slash], name[(slash + 1)..]);
                var target = kind switch { AnalyzeStage.ReplicatesName => curves, AnalyzeStage.MapTilesName => tiles, _ => null };
                var m = MatrixName().Match(tag);
                if (target is null || !m.Success || tensor.dim() != 2)
                    throw new InvalidDataException($"{path}: '{name}' is not a comparison's replicates (A-seedS-vs-B-seedT-SIZE/replicates or …/map-tiles, R × values)");
                var (rows, columns) = ((int)tensor.size(0), (int)tensor.size(1));
                var values = tensor.ToArray<float>();
                target[new ComparisonKey(m.Groups[1].Value, Int(m.Groups[2].Value), m.Groups[3].Value, Int(m.Groups[4].Value), Int(m.Groups[5].Value))] =
                    Enumerable.Range(0, rows).Select(r => values.AsSpan(r * columns, columns).ToArray().Select(v => (double)v).ToArray()).ToArray();
            }
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
        return (curves, tiles);
    }

    /// <summary>mAP of every run on each bootstrap resample of its test set, in replicate order (none when absent).</summary>
    private static Dictionary<(string Model, int Seed, string TestSet), double[]> MapReplicates(string path)
    {
        if (!File.Exists(path)) return [];
        return Rows(path).GroupBy(r => (r["model"], Int(r["seed"]), r["test_set"]))
            .ToDictionary(g => g.Key, g => g.OrderBy(r => Int(r["replicate"])).Select(r => Num(r["map"])).ToArray());
    }

    [GeneratedRegex(@"^(.+)-seed(\d+)-vs-(.+)-seed(\d+)-(\d+)$")]
    private static partial Regex MatrixName();

    /// <summary>The rows of a CSV file as column → text, failing with the file's name when it is missing.</summary>
    public static IEnumerable<Dictionary<string, string>> Rows(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing: run the stage that writes it first", path);
        var csv = CsvTable.ReadFile(path);
        return csv.Rows.Select(r => csv.Header.Zip(r.Cells).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    private static double[,] Matrix(string path)
    {
        var csv = CsvTable.ReadFile(path);
        var n = csv.Rows.Count;
        var m = new double[n, csv.Header.Count - 1];
        for (var i = 0; i < n; i++)
            for (var j = 1; j < csv.Header.Count; j++)
                m[i, j - 1] = Num(csv.Rows[i].Cells[j]);
        return m;
    }

    public static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);

    public static long Long(string s) => long.Parse(s, CultureInfo.InvariantCulture);

    public static double Num(string s) => s.Length == 0 ? double.NaN : double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
}
