namespace Repro.Similarity;

/// <summary>
/// A partition of a network's layers into contiguous segments, so that a layer × layer map can be kept as the means
/// of its segment × segment tiles: R bootstrap replicates of a 107 × 107 map are 9 MB each, of its 81 tiles 65 kB.
/// Any statistic that averages the map over unions of segments (the block structure claim's within- and
/// between-block means) is recomputed exactly from the tiles, weighting each by its layer count.
/// </summary>
public sealed record LayerSegments
{
    public LayerSegments(IReadOnlyList<int> starts, int layerCount)
    {
        if (starts.Count == 0 || starts[0] != 0) throw new ArgumentException("the first segment starts at layer 0", nameof(starts));
        for (var s = 1; s < starts.Count; s++)
            if (starts[s] <= starts[s - 1]) throw new ArgumentException($"segment starts must increase: {starts[s - 1]} then {starts[s]}", nameof(starts));
        if (starts[^1] >= layerCount) throw new ArgumentException($"segment start {starts[^1]} is past the last layer {layerCount - 1}", nameof(starts));
        (Starts, LayerCount) = (starts, layerCount);
    }

    /// <summary>
    /// YOLOv3 cut where the paper's layer × layer blocks begin and end (0–12, 14–37, 42–61, 62–74, 75–84, 85–96,
    /// 97–106), the layers between them (13, 38–41) segments of their own.
    /// </summary>
    public static LayerSegments YoloV3Blocks { get; } = new([0, 13, 14, 38, 42, 62, 75, 85, 97], 107);

    public IReadOnlyList<int> Starts { get; }

    public int LayerCount { get; }

    public int Count => Starts.Count;

    public int End(int segment) => segment + 1 < Count ? Starts[segment + 1] : LayerCount;

    public int Size(int segment) => End(segment) - Starts[segment];

    /// <summary>The mean of each segment × segment tile of an L × L map, row-major (Count² values).</summary>
    public double[] TileMeans(double[,] map)
    {
        if (map.GetLength(0) != LayerCount || map.GetLength(1) != LayerCount)
            throw new ArgumentException($"a {map.GetLength(0)} × {map.GetLength(1)} map, the segments cover {LayerCount} layers");
        var means = new double[Count * Count];
        for (var s = 0; s < Count; s++)
            for (var t = 0; t < Count; t++)
            {
                var sum = 0.0;
                for (var i = Starts[s]; i < End(s); i++)
                    for (var j = Starts[t]; j < End(t); j++) sum += map[i, j];
                means[s * Count + t] = sum / (Size(s) * Size(t));
            }
        return means;
    }

    /// <summary>The segments whose union is exactly <paramref name="layers"/>; an error when no union of segments is.</summary>
    public IReadOnlyList<int> Covering(IReadOnlyCollection<int> layers)
    {
        var set = layers.ToHashSet();
        var covering = Enumerable.Range(0, Count).Where(s => set.Contains(Starts[s])).ToList();
        var covered = covering.SelectMany(s => Enumerable.Range(Starts[s], Size(s))).ToHashSet();
        if (!covered.SetEquals(set))
            throw new ArgumentException($"layers {Describe(set)} are not a union of the segments starting at {string.Join(", ", Starts)}");
        return covering;
    }

    /// <summary>The mean of the map over rows in one union of segments and columns in another, from its tile means.</summary>
    public double Mean(IReadOnlyList<double> tiles, IReadOnlyList<int> rows, IReadOnlyList<int> columns)
    {
        var (sum, weight) = (0.0, 0.0);
        foreach (var s in rows)
            foreach (var t in columns)
            {
                double w = Size(s) * Size(t);
                sum += w * tiles[s * Count + t];
                weight += w;
            }
        return sum / weight;
    }

    private static string Describe(IEnumerable<int> layers) => string.Join(",", layers.Order().Take(8)) + (layers.Count() > 8 ? ",…" : "");
}
