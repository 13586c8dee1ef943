using Repro.Models;
using Repro.Torch;

namespace Repro.Similarity;

/// <summary>CKA between two models at one layer index.</summary>
public sealed record LayerCka(int Layer, double Cka);

/// <summary>CKA of every layer of model A (rows) against every layer of model B (columns).</summary>
public sealed record CkaMatrix(IReadOnlyList<int> RowLayers, IReadOnlyList<int> ColumnLayers, double[,] Values);

/// <summary>The mean of per-layer CKA over a layer range.</summary>
public sealed record RangeMean(NamedLayerRange Range, int Layers, double Mean);

/// <summary>
/// Comparisons of two Gram sets (two models, two seeds, or one model against itself). Each Gram is centered once
/// and scaled to unit Frobenius norm, so a layer pair's CKA is one n²-long dot product, and the whole layer × layer
/// map is one (L × n²)·(n² × L) matrix product.
/// </summary>
public static class CkaComparison
{
    /// <summary>CKA at each layer index both sets hold, in layer order.</summary>
    public static IReadOnlyList<LayerCka> PerLayer(GramSet a, GramSet b, bool debiased = false)
    {
        RequireSameExamples(a, b);
        var layers = a.Layers.Where(b.Contains).ToList();
        if (layers.Count == 0) throw new ArgumentException("the two Gram sets share no layer");
        using var scope = torch.NewDisposeScope();
        var ka = UnitCentered(a, layers, debiased);
        var kb = UnitCentered(b, layers, debiased);
        var values = (ka * kb).sum(1).ToArray<double>();
        return layers.Select((l, i) => new LayerCka(l, values[i])).ToList();
    }

    /// <summary>Every layer of <paramref name="a"/> against every layer of <paramref name="b"/>.</summary>
    public static CkaMatrix LayerByLayer(GramSet a, GramSet b, bool debiased = false)
    {
        RequireSameExamples(a, b);
        using var scope = torch.NewDisposeScope();
        var ka = UnitCentered(a, a.Layers, debiased);
        var kb = UnitCentered(b, b.Layers, debiased);
        var flat = ka.matmul(kb.t()).ToArray<double>();
        var rows = a.Layers.Count;
        var columns = b.Layers.Count;
        var values = new double[rows, columns];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < columns; j++)
                values[i, j] = flat[i * columns + j];
        return new CkaMatrix(a.Layers, b.Layers, values);
    }

    /// <summary>Mean per-layer CKA over each range (layers outside every range are simply not averaged).</summary>
    public static IReadOnlyList<RangeMean> Means(IReadOnlyList<LayerCka> perLayer, IReadOnlyList<NamedLayerRange>? ranges = null) =>
        (ranges ?? NamedLayerRange.YoloV3Parts).Select(r =>
        {
            var inRange = perLayer.Where(p => r.Range.Contains(p.Layer)).Select(p => p.Cka).ToList();
            return new RangeMean(r, inRange.Count, inRange.Count == 0 ? double.NaN : inRange.Average());
        }).ToList();

    /// <summary>L × n² rows: each layer's (U-)centered Gram, flattened and divided by its Frobenius norm.</summary>
    internal static Tensor UnitCentered(GramSet set, IReadOnlyList<int> layers, bool debiased)
    {
        using var scope = torch.NewDisposeScope();
        return UnitCentered(torch.stack(layers.Select(l => set[l]).ToList()), debiased).MoveToOuterDisposeScope();
    }

    /// <summary>The same for an L × n × n stack of Grams (a resample's, say).</summary>
    internal static Tensor UnitCentered(Tensor stack, bool debiased)
    {
        using var scope = torch.NewDisposeScope();
        var centered = debiased ? LinearCka.UCenterGram(stack) : LinearCka.CenterGram(stack);
        var flat = centered.reshape(stack.size(0), -1);
        var norms = flat.square().sum(1, keepdim: true).sqrt();
        return (flat / norms).MoveToOuterDisposeScope();
    }

    private static void RequireSameExamples(GramSet a, GramSet b)
    {
        if (a.Examples != b.Examples) throw new ArgumentException($"Gram sets over different image counts: {a.Examples} vs {b.Examples}");
    }
}
