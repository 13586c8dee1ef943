namespace Repro.Training;

/// <summary>
/// The learning rate as a function of training progress (epochs, fractional within an epoch): a linear warm-up
/// from a tenth of the base rate, then either constant (the paper: Adam at a fixed 1e-4) or a half cosine down to
/// <see cref="FinalFraction"/> of the base rate at the last epoch, so a run that reaches its epoch budget ends on a
/// flat stretch rather than being cut off mid-descent. A pure function of progress: a resumed run follows the same
/// curve.
/// </summary>
public sealed record LearningRateSchedule(double BaseRate, double WarmupEpochs = 0, bool Cosine = false, double FinalFraction = 0.05)
{
    public static LearningRateSchedule Constant(double rate) => new(rate);

    /// <summary>The rate at <paramref name="progress"/> epochs into a run of <paramref name="totalEpochs"/>.</summary>
    public double At(double progress, int totalEpochs)
    {
        if (progress < WarmupEpochs)
            return BaseRate * (0.1 + 0.9 * progress / WarmupEpochs);
        if (!Cosine) return BaseRate;
        var span = Math.Max(totalEpochs - WarmupEpochs, 1e-9);
        var t = Math.Clamp((progress - WarmupEpochs) / span, 0, 1);
        return BaseRate * (FinalFraction + (1 - FinalFraction) * 0.5 * (1 + Math.Cos(Math.PI * t)));
    }
}
