namespace Repro.Experiments.Claims;

/// <summary>What a unit's measurements are resampled over for its interval.</summary>
internal enum Resampling
{
    /// <summary>The analysis images (CKA): one joint resample per replicate for every comparison.</summary>
    AnalysisImages,
    /// <summary>The test images (mAP): one joint resample per replicate and test set for every run.</summary>
    TestImages,
    /// <summary>The analysis images, as the layer × layer maps' tile means: the same resamples as <see cref="AnalysisImages"/>,
    /// kept for the comparisons that have a map.</summary>
    AnalysisMaps,
    /// <summary>The analysis images, as the activation statistics of each resample (the same resamples again).</summary>
    ActivationImages,
    /// <summary>Nothing kept to resample: the unit is a point.</summary>
    None,
}

/// <summary>
/// One replicate of a claim across training runs: a seed ("every seed") or a pair of seeds ("across seeds"). The
/// units' spread is the claim's measure of training's chaos (<see cref="ClaimStatistic"/>). <see cref="Margin"/> is the claim's signed statistic on any
/// view of the measurements (positive: it holds); <see cref="Describe"/> says what was measured, in the claim's units.
/// </summary>
internal sealed record ClaimUnit(string Label, Resampling Source, Func<IMeasurements, double> Margin, Func<IMeasurements, string> Describe);
