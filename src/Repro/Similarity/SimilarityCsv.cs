using System.Globalization;
using CsvHelper;
using Repro.Models;
using Repro.Torch.IO;

namespace Repro.Similarity;

/// <summary>
/// The layer analysis as CSV (invariant culture, round-trip doubles, written atomically): per-layer CKA (paper
/// Figs 4–6), the layer × layer matrix (Figs 7–12), range means (Table 5) and activation statistics (Tables 3–4).
/// Interval columns are empty when no bootstrap was run.
/// </summary>
public static class SimilarityCsv
{
    public static void WritePerLayer(string path, IReadOnlyList<LayerCka> perLayer) =>
        WritePerLayer(path, perLayer.Select(p => (p.Layer, new Estimate(p.Cka, double.NaN, double.NaN))).ToList());

    public static void WritePerLayer(string path, IReadOnlyList<(int Layer, Estimate Cka)> perLayer) =>
        Write(path, csv =>
        {
            Header(csv, "layer", "cka", "ci_lower", "ci_upper");
            foreach (var (layer, cka) in perLayer)
            {
                csv.WriteField(Text(layer));
                Fields(csv, cka.Value, cka.Lower, cka.Upper);
                csv.EndRecord();
            }
        });

    public static void WriteMatrix(string path, CkaMatrix matrix) =>
        Write(path, csv =>
        {
            csv.WriteField("layer");
            foreach (var column in matrix.ColumnLayers) csv.WriteField(Text(column));
            csv.EndRecord();
            for (var i = 0; i < matrix.RowLayers.Count; i++)
            {
                csv.WriteField(Text(matrix.RowLayers[i]));
                for (var j = 0; j < matrix.ColumnLayers.Count; j++) Fields(csv, matrix.Values[i, j]);
                csv.EndRecord();
            }
        });

    public static void WriteMeans(string path, IReadOnlyList<RangeMean> means) =>
        WriteMeans(path, means.Select(m => (m.Range, m.Layers, new Estimate(m.Mean, double.NaN, double.NaN))).ToList());

    public static void WriteMeans(string path, IReadOnlyList<(NamedLayerRange Range, int Layers, Estimate Mean)> means) =>
        Write(path, csv =>
        {
            Header(csv, "range", "first_layer", "last_layer", "layers", "mean_cka", "ci_lower", "ci_upper");
            foreach (var (range, layers, mean) in means)
            {
                csv.WriteField(range.Name);
                csv.WriteField(Text(range.Range.First));
                csv.WriteField(Text(range.Range.Last));
                csv.WriteField(Text(layers));
                Fields(csv, mean.Value, mean.Lower, mean.Upper);
                csv.EndRecord();
            }
        });

    /// <summary>One row per layer (its index) and any extra rows (e.g. "all"), in the order given.</summary>
    public static void WriteStatistics(string path, IReadOnlyList<(string Layer, ActivationStatistics Statistics)> rows) =>
        Write(path, csv =>
        {
            Header(csv, "layer", "count", "mean", "std", "min", "max", "median", "median_error_bound", "fraction_zeros", "fraction_negatives", "non_finite");
            foreach (var (layer, statistics) in rows)
            {
                var s = statistics.Summary();
                csv.WriteField(Text(layer));
                csv.WriteField(Text(s.Count));
                Fields(csv, s.Mean, s.Std, s.Min, s.Max, s.Median, s.MedianErrorBound, s.FractionZeros, s.FractionNegatives);
                csv.WriteField(Text(statistics.NonFiniteCount));
                csv.EndRecord();
            }
        });

    private static void Write(string path, Action<CsvWriter> write) =>
        AtomicFile.Write(path, stream =>
        {
            using var csv = CsvWriter.Create(stream, new CsvWriterOptions { FormatProvider = CultureInfo.InvariantCulture, NewLine = "\n" }, true);
            write(csv);
            csv.Flush();
        });

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(string value) => value;

    private static void Header(CsvWriter csv, params string[] names)
    {
        foreach (var name in names) csv.WriteField(name);
        csv.EndRecord();
    }

    private static void Fields(CsvWriter csv, params double[] values)
    {
        foreach (var v in values) csv.WriteField(double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture));
    }
}
