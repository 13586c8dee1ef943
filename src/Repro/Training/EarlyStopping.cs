namespace Repro.Training;

/// <summary>
/// Stops training when the validation loss has not improved for <see cref="Patience"/> epochs in a row, and
/// remembers the best epoch (whose weights the trainer keeps). An epoch improves when its loss is below the best so
/// far by more than <see cref="MinDelta"/>; equal is not better, so a flat curve stops.
/// </summary>
public sealed class EarlyStopping
{
    public EarlyStopping(int patience, double minDelta = 0)
    {
        if (patience < 1) throw new ArgumentOutOfRangeException(nameof(patience), patience, "patience must be at least 1");
        if (!(minDelta >= 0)) throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, "min delta must be ≥ 0");
        (Patience, MinDelta) = (patience, minDelta);
    }

    public int Patience { get; }
    public double MinDelta { get; }

    /// <summary>The epoch with the lowest loss so far, 0 before any.</summary>
    public int BestEpoch { get; private set; }

    public double BestLoss { get; private set; } = double.PositiveInfinity;

    public int EpochsWithoutImprovement { get; private set; }

    public bool ShouldStop => EpochsWithoutImprovement >= Patience;

    /// <summary>Records an epoch's validation loss; true when it is the new best.</summary>
    public bool Observe(int epoch, double validationLoss)
    {
        if (!double.IsFinite(validationLoss)) throw new ArgumentException($"epoch {epoch}: validation loss is {validationLoss}", nameof(validationLoss));
        if (validationLoss < BestLoss - MinDelta)
        {
            (BestEpoch, BestLoss, EpochsWithoutImprovement) = (epoch, validationLoss, 0);
            return true;
        }
        EpochsWithoutImprovement++;
        return false;
    }

    /// <summary>Puts back the state a checkpoint recorded.</summary>
    internal void Restore(int bestEpoch, double bestLoss, int epochsWithoutImprovement) =>
        (BestEpoch, BestLoss, EpochsWithoutImprovement) = (bestEpoch, bestLoss, epochsWithoutImprovement);
}
