namespace Repro.Training;

/// <summary>A loss became NaN or infinite; the checkpoint of the last completed epoch is left as it was.</summary>
public sealed class TrainingDivergedException(int epoch, int batch, string phase, double[] components, string? lastCheckpoint)
    : Exception($"non-finite {phase} loss at epoch {epoch}, batch {batch} (box {components[0]}, objectness {components[1]}, " +
                $"class {components[2]}); " + (lastCheckpoint is null ? "no epoch had completed, so there is no checkpoint" : $"the last good checkpoint is {lastCheckpoint}"))
{
    public int Epoch { get; } = epoch;

    /// <summary>0-based index of the batch within the epoch.</summary>
    public int Batch { get; } = batch;
}
