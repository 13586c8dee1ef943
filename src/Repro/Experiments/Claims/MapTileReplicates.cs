using Repro.Similarity;

namespace Repro.Experiments.Claims;

/// <summary>
/// The bootstrap replicates of the layer × layer maps, each kept as its tile means over
/// <see cref="LayerSegments.YoloV3Blocks"/> (the analysis's "TAG/map-tiles"): replicate r of every map resampled the
/// same analysis images as replicate r of every per-layer curve. Kept beside <see cref="StudyResults"/> rather than in
/// it because StudyResults.cs is among the detectors' sources (its model names), so an edit there would retrain them.
/// </summary>
public sealed record MapTileReplicates(IReadOnlyDictionary<ComparisonKey, double[][]> Tiles)
{
    public static MapTileReplicates None { get; } = new(new Dictionary<ComparisonKey, double[][]>());

    /// <summary>How many replicates every map has (0: none kept).</summary>
    public int Count => Tiles.Count == 0 ? 0 : Tiles.Values.Min(r => r.Length);

    public double[] Of(ComparisonKey map, int replicate) => Tiles.TryGetValue(map, out var rows)
        ? rows[replicate]
        : throw new KeyNotFoundException($"no bootstrap replicates of the layer × layer map of {map.ModelA} (seed {map.SeedA}) vs {map.ModelB} (seed {map.SeedB}) at {map.Size}×{map.Size}");
}
