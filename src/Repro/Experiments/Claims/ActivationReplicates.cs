using Repro.Similarity;

namespace Repro.Experiments.Claims;

/// <summary>
/// The activation statistics of every bootstrap resample of the analysis images, per model run and size (the
/// analysis's activation-stats-replicates.csv): replicate r merges the same images as replicate r of the CKA. Kept
/// beside <see cref="StudyResults"/> for the reason <see cref="MapTileReplicates"/> is.
/// </summary>
public sealed record ActivationReplicates(IReadOnlyDictionary<(string Model, int Seed, int Size), ActivationSummary[]> Summaries)
{
    public static ActivationReplicates None { get; } = new(new Dictionary<(string Model, int Seed, int Size), ActivationSummary[]>());

    /// <summary>How many replicates every run has (0: none kept).</summary>
    public int Count => Summaries.Count == 0 ? 0 : Summaries.Values.Min(r => r.Length);

    public ActivationSummary Of(string model, int seed, int size, int replicate) => Summaries.TryGetValue((model, seed, size), out var rows)
        ? rows[replicate]
        : throw new KeyNotFoundException($"no bootstrap replicates of the activation statistics of {model} (seed {seed}) at {size}×{size}");
}
