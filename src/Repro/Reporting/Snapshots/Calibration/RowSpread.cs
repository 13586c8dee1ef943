namespace Repro.Reporting.Snapshots.Calibration;

/// <summary>
/// What the calibration runs showed for one numeric column of one row of seed means: each run's mean, the values
/// per run it averaged, the sd of the runs' means (and, for the record, of all values / √(values per run)), the
/// moderated sd <see cref="Sd"/> on <see cref="Df"/> degrees of freedom and the quantile the statistical rule used,
/// and the tolerance it made of them. A <see cref="Deterministic"/> row gave exactly the same values in every run
/// and gets the floor. <see cref="ValueRange"/> is how far apart the column's means lie over every row and run: a
/// tolerance that reaches it admits any value the table holds (blind). <see cref="MaxTolerance"/> is the table's
/// declared widest tolerance that still guards the effects the claims rest on.
/// </summary>
internal sealed record RowSpread(RowKey Row, string Column, IReadOnlyList<double> RunMeans, int ValuesPerRun, double RunMeansSd, double ValuesSd, double Sd,
    Tolerance Tolerance, double ValueRange, double? MaxTolerance)
{
    public double Df { get; init; } = double.NaN;

    public double Quantile { get; init; } = double.NaN;

    public bool Deterministic { get; init; }

    public bool IsBlind => ValueRange > 0 && Tolerance.Absolute >= ValueRange;

    public bool IsAboveMax => MaxTolerance is { } max && Tolerance.Absolute > max;

    /// <summary>A tolerance whose check cannot fail on the changes it is there to catch: the calibration refuses to write it.</summary>
    public bool CannotFail => IsBlind || IsAboveMax;

    public string Problem => IsBlind && IsAboveMax ? "blind and above maxTolerance" : IsBlind ? "blind" : IsAboveMax ? "above maxTolerance" : "";
}
