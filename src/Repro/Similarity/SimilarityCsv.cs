using Repro.Statistics;
using Repro.Models;
using Repro.Reporting.Tables;

namespace Repro.Similarity;

/// <summary>
/// The layer analysis as CSV (through <see cref="CsvTable"/>: invariant culture, round-trip doubles, written
/// atomically): per-layer CKA (paper Figs 4–6), the layer × layer matrix (Figs 7–12), range means (Table 5) and
/// activation statistics (Tables 3–4). Interval columns are empty when no bootstrap was run.
/// </summary>
public static class SimilarityCsv
{
    public static void WritePerLayer(string path, IReadOnlyList<LayerCka> perLayer) =>
        WritePerLayer(path, perLayer.Select(p => (p.Layer, new Estimate(p.Cka, double.NaN, double.NaN))).ToList());

    public static void WritePerLayer(string path, IReadOnlyList<(int Layer, Estimate Cka)> perLayer) =>
        CsvTable.Write(path, ["layer", "cka", "ci_lower", "ci_upper"],
            perLayer.Select(p => (IReadOnlyList<string>)[Text(p.Layer), .. Numbers(p.Cka.Value, p.Cka.Lower, p.Cka.Upper)]));

    public static void WriteMatrix(string path, CkaMatrix matrix) =>
        CsvTable.Write(path, ["layer", .. matrix.ColumnLayers.Select(l => Text(l))],
            matrix.RowLayers.Select((layer, i) => (IReadOnlyList<string>)
                [Text(layer), .. Numbers(Enumerable.Range(0, matrix.ColumnLayers.Count).Select(j => matrix.Values[i, j]).ToArray())]));

    public static void WriteMeans(string path, IReadOnlyList<RangeMean> means) =>
        WriteMeans(path, means.Select(m => (m.Range, m.Layers, new Estimate(m.Mean, double.NaN, double.NaN))).ToList());

    public static void WriteMeans(string path, IReadOnlyList<(NamedLayerRange Range, int Layers, Estimate Mean)> means) =>
        CsvTable.Write(path, ["range", "first_layer", "last_layer", "layers", "mean_cka", "ci_lower", "ci_upper"],
            means.Select(m => (IReadOnlyList<string>)
                [m.Range.Name, Text(m.Range.Range.First), Text(m.Range.Range.Last), Text(m.Layers), .. Numbers(m.Mean.Value, m.Mean.Lower, m.Mean.Upper)]));

    /// <summary>One row per layer (its index) and any extra rows (e.g. "all"), in the order given.</summary>
    public static void WriteStatistics(string path, IReadOnlyList<(string Layer, ActivationStatistics Statistics)> rows) =>
        CsvTable.Write(path,
            ["layer", "count", "mean", "std", "min", "max", "median", "median_error_bound", "fraction_zeros", "fraction_negatives", "non_finite"],
            rows.Select(r => (r.Layer, Summary: r.Statistics.Summary(), NonFinite: r.Statistics.NonFiniteCount)).Select(r => (IReadOnlyList<string>)
            [
                r.Layer, Text(r.Summary.Count),
                .. Numbers(r.Summary.Mean, r.Summary.Std, r.Summary.Min, r.Summary.Max, r.Summary.Median, r.Summary.MedianErrorBound,
                    r.Summary.FractionZeros, r.Summary.FractionNegatives),
                Text(r.NonFinite),
            ]));

    private static string Text(long value) => CellText.ForData(value);

    /// <summary>Shortest round-trip text; NaN (no value) as an empty cell.</summary>
    private static IEnumerable<string> Numbers(params double[] values) => values.Select(v => double.IsNaN(v) ? "" : CellText.ForData(v));
}
