using System.Globalization;
using Repro.Statistics;

namespace Repro.Reporting.Snapshots.Calibration;

/// <summary>
/// How the calibration runs of a table compared as seed means (<c>"meanOver"</c>) become per-row tolerances. Every
/// run retrains the detectors and training is chaotic, so a run behaves like another draw of the seeds: the largest
/// difference between runs, times a multiple, grows with the number of runs and says nothing about how often a
/// fresh run would fail. Instead each row's seed mean is a random variable whose variance the runs' means estimate,
/// on R − 1 degrees of freedom for R runs. Few runs make that estimate rough, so it is moderated with the other rows
/// of its column (<see cref="VariancePrior"/>): s̃² = (d₀s₀² + (R − 1)s²)/(d₀ + R − 1). An obtained mean and the
/// verified reference, the mean of the R runs' means, then differ by about s̃√(1 + 1/R) · T with T a t variable on
/// d₀ + R − 1 degrees of freedom (s̃√2 · T against one run's values, as for the claims), and the tolerance
/// t·√(1 + 1/R)·s̃ is exceeded by chance with probability <see cref="FalseAlarm"/> split over the table's m checked cells
/// (Bonferroni: t the two-sided 1 − α/m quantile), so the whole table false-alarms at most α. A cell every run gave
/// exactly the same values in (a count, a claim true by construction) does not depend on training: it gets the floor.
/// A column with fewer than three varying rows has no prior; there s̃ = max(s, sd of all values / √(values per run)).
/// Until 2026-12-07 the rule took z = Φ⁻¹(1 − α/(2m)) and s = max(sd of the runs' means, sd of all values / √k) as if
/// s were exact; left out of its own calibration, each of ci's runs failed the claims 16 times in 20 and the map
/// blocks 6 in 20 against the other runs (docs/snapshots.md).
/// </summary>
internal sealed record StatisticalRule(double FalseAlarm, double Floor)
{
    public static readonly StatisticalRule Default = new(0.01, ToleranceRule.Default.Floor);

    /// <summary>Beyond this many degrees of freedom the t quantile is the normal one (they differ by under 1e-4 there).</summary>
    private const double NormalBeyondDf = 100_000;

    /// <summary>
    /// The two-sided quantile for a false alarm of α over <paramref name="checks"/> cells, for a moderated sd on
    /// <paramref name="df"/> degrees of freedom (rounded down: fewer degrees of freedom, a wider tolerance).
    /// </summary>
    public double Quantile(int checks, double df)
    {
        if (checks < 1) throw new ArgumentOutOfRangeException(nameof(checks), checks, "a table checks at least one cell");
        if (!(df >= 1)) throw new ArgumentOutOfRangeException(nameof(df), df, "at least one degree of freedom");
        return df > NormalBeyondDf
            ? StandardNormal.Quantile(1 - FalseAlarm / (2.0 * checks))
            : StudentT.TwoSidedQuantile(1 - FalseAlarm / checks, (int)Math.Floor(df));
    }

    /// <summary>
    /// t·√(1 + 1/R)·s̃ against a reference that is the mean of <paramref name="referenceRuns"/> runs (a new run's mean
    /// and the reference differ by σ√(1 + 1/R)), or t·√2·s̃ against one run's values (null: the claims, whose
    /// recorded verdicts are one run's).
    /// </summary>
    public Tolerance For(double sd, double quantile, int? referenceRuns = null)
    {
        if (!double.IsFinite(sd) || sd < 0) throw new ArgumentOutOfRangeException(nameof(sd), sd, "a standard deviation is a finite number ≥ 0");
        if (referenceRuns is < 1) throw new ArgumentOutOfRangeException(nameof(referenceRuns), referenceRuns, "a reference is the mean of at least one run");
        return new Tolerance(Absolute: ToleranceRule.RoundUp(Math.Max(quantile * ReferenceFactor(referenceRuns) * sd, Floor)));
    }

    /// <summary>√(1 + 1/R) for a reference that is the mean of R runs, √2 for one run's values.</summary>
    public static double ReferenceFactor(int? referenceRuns) => referenceRuns is int r ? Math.Sqrt(1 + 1.0 / r) : Math.Sqrt(2);

    /// <summary>The floor, for a cell every run gave exactly the same values in.</summary>
    public Tolerance Deterministic => new(Absolute: ToleranceRule.RoundUp(Floor));

    /// <summary>
    /// The sd of the runs' means (R − 1 degrees of freedom) and, for the record, the sd of all values / √(values per
    /// run), which seeds that share a pre-trained backbone make too small; values[run][seed].
    /// </summary>
    public static (double RunMeansSd, double ValuesSd) Spread(IReadOnlyList<IReadOnlyList<double>> values)
    {
        if (values.Count < 2) throw new ArgumentException($"a spread needs at least two runs, got {values.Count}");
        var perRun = values[0].Count;
        if (perRun < 1 || values.Any(v => v.Count != perRun)) throw new ArgumentException("every run needs the same number of values, at least one");
        return (SampleSd(values.Select(v => v.Average()).ToList()), SampleSd(values.SelectMany(v => v).ToList()) / Math.Sqrt(perRun));
    }

    public void Validate()
    {
        if (!(FalseAlarm > 0 && FalseAlarm < 1)) throw new ArgumentException($"false-alarm rate {FalseAlarm}: must lie strictly between 0 and 1");
        if (!double.IsFinite(Floor) || Floor <= 0) throw new ArgumentException($"tolerance floor {Floor}: must be a positive number");
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"t·√(1 + 1/R)·s̃ per row of seed means, against a verified reference that is the mean of the R runs' group means (written by the calibration; √2 in place of √(1 + 1/R) for a table compared row by row with one recorded run, the claims): s̃² = (d₀s₀² + (R − 1)s²)/(d₀ + R − 1) with s the sd of the R runs' means and d₀, s₀² a scaled inverse χ² prior estimated from the column's rows (Smyth 2004), t the two-sided 1 − α/m quantile of Student's t on d₀ + R − 1 degrees of freedom with the false-alarm rate α = {FalseAlarm:G6} per table split over its m checked cells (Bonferroni); a cell every run gave exactly the same values in gets the floor; a column with fewer than three varying rows has no prior, and there s̃ = max(s, sd of all values / √(values per run)); at least {Floor:G6}, rounded up to two significant digits");

    private static double SampleSd(IReadOnlyList<double> x)
    {
        if (x.Count < 2) return 0;
        var mean = x.Average();
        return Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Count - 1));
    }
}
