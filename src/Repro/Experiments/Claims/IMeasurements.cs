namespace Repro.Experiments.Claims;

/// <summary>
/// What a claim's statistic reads: the run's point estimates (<see cref="StudyResults"/>) or one bootstrap replicate
/// of them (<see cref="ReplicateMeasurements"/>). A statistic written once against this interface is recomputed
/// replicate by replicate for its interval.
/// </summary>
internal interface IMeasurements
{
    /// <summary>Per-layer CKA of a comparison, indexed by layer.</summary>
    double[] Curve(string modelA, int seedA, string modelB, int seedB, int size);

    /// <summary>mAP of one model run on one test set.</summary>
    double Map(string model, int seed, string testSet);
}

/// <summary>
/// Replicate r of the run: every comparison's per-layer CKA on the r-th resample of the analysis images (the same
/// images for every comparison), every run's mAP on the r-th resample of each test set's images.
/// </summary>
internal sealed class ReplicateMeasurements(StudyResults results, int replicate) : IMeasurements
{
    /// <summary>Which replicate this is (for the measurements kept beside <see cref="StudyResults"/>: <see cref="MapTileReplicates"/>).</summary>
    public int Replicate => replicate;

    public double[] Curve(string modelA, int seedA, string modelB, int seedB, int size)
    {
        if (results.CkaReplicates.TryGetValue(new ComparisonKey(modelA, seedA, modelB, seedB, size), out var rows) ||
            results.CkaReplicates.TryGetValue(new ComparisonKey(modelB, seedB, modelA, seedA, size), out rows))
            return rows[replicate];
        throw new KeyNotFoundException($"no bootstrap replicates of {modelA} (seed {seedA}) vs {modelB} (seed {seedB}) at {size}×{size}");
    }

    public double Map(string model, int seed, string testSet)
    {
        if (model == Stages.AnalyzeStage.Untrained) return 0;
        return results.MapReplicates.TryGetValue((model, seed, testSet), out var values)
            ? values[replicate]
            : throw new KeyNotFoundException($"no bootstrap replicates of the mAP of {model} (seed {seed}) on {testSet}");
    }
}
