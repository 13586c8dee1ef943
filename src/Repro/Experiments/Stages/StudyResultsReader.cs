using System.Globalization;
using System.Text.RegularExpressions;
using Repro.Experiments.Claims;
using Repro.Reporting.Tables;
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
        return new StudyResults(perLayer, matrices, maps, activations, context.Profile.Seeds, LayerKinds.YoloV3);
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
