using System.Globalization;
using Repro.Statistics;

namespace Repro.Reporting.Snapshots.Calibration;

/// <summary>
/// How the calibration runs of a table compared as seed means (<c>"meanOver"</c>) become per-row tolerances. Every
/// run retrains the detectors and training is chaotic, so a run behaves like another draw of the seeds: the largest
/// difference between runs, times a multiple, grows with the number of runs and says nothing about how often a
/// fresh run would fail. Instead each row's seed mean is treated as a random variable with standard deviation s,
/// estimated as the larger of the runs' means' sd and the sd of all values / √(values per run) (seeds of one run
/// share a backbone and are correlated, so the first is the honest one; the second keeps two or three runs that
/// happened to agree from making a tolerance of nothing). An obtained mean and the verified one then differ by
/// N(0, 2s²), and the tolerance z·√2·s is exceeded by chance with probability <see cref="FalseAlarm"/> split over
/// the table's m checked cells (Bonferroni: z = Φ⁻¹(1 − α/(2m))), so the whole table false-alarms at most α.
/// </summary>
internal sealed record StatisticalRule(double FalseAlarm, double Floor)
{
    public static readonly StatisticalRule Default = new(0.01, ToleranceRule.Default.Floor);

    /// <summary>The two-sided normal quantile for a false alarm of α over <paramref name="checks"/> cells.</summary>
    public double Z(int checks)
    {
        if (checks < 1) throw new ArgumentOutOfRangeException(nameof(checks), checks, "a table checks at least one cell");
        return StandardNormal.Quantile(1 - FalseAlarm / (2.0 * checks));
    }

    public Tolerance For(double sd, int checks)
    {
        if (!double.IsFinite(sd) || sd < 0) throw new ArgumentOutOfRangeException(nameof(sd), sd, "a standard deviation is a finite number ≥ 0");
        return new Tolerance(Absolute: ToleranceRule.RoundUp(Math.Max(Z(checks) * Math.Sqrt(2) * sd, Floor)));
    }

    /// <summary>s: the larger of the sd of the runs' means and the sd of all values / √(values per run); values[run][seed].</summary>
    public static (double RunMeansSd, double ValuesSd, double Sd) Spread(IReadOnlyList<IReadOnlyList<double>> values)
    {
        if (values.Count < 2) throw new ArgumentException($"a spread needs at least two runs, got {values.Count}");
        var perRun = values[0].Count;
        if (perRun < 1 || values.Any(v => v.Count != perRun)) throw new ArgumentException("every run needs the same number of values, at least one");
        var runMeansSd = SampleSd(values.Select(v => v.Average()).ToList());
        var valuesSd = SampleSd(values.SelectMany(v => v).ToList()) / Math.Sqrt(perRun);
        return (runMeansSd, valuesSd, Math.Max(runMeansSd, valuesSd));
    }

    public void Validate()
    {
        if (!(FalseAlarm > 0 && FalseAlarm < 1)) throw new ArgumentException($"false-alarm rate {FalseAlarm}: must lie strictly between 0 and 1");
        if (!double.IsFinite(Floor) || Floor <= 0) throw new ArgumentException($"tolerance floor {Floor}: must be a positive number");
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"z·√2·s per row of seed means, s = max(sd of the runs' means, sd of all values / √(values per run)), z = Φ⁻¹(1 − α/(2m)) with the false-alarm rate α = {FalseAlarm:G6} per table split over its m checked cells (Bonferroni), at least {Floor:G6}, rounded up to two significant digits");

    private static double SampleSd(IReadOnlyList<double> x)
    {
        if (x.Count < 2) return 0;
        var mean = x.Average();
        return Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Count - 1));
    }
}
