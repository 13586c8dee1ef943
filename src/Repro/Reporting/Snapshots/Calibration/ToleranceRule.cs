using System.Globalization;

namespace Repro.Reporting.Snapshots.Calibration;

/// <summary>
/// How a measured spread becomes a tolerance: the absolute tolerance of a column is <see cref="Multiple"/> times the
/// largest difference the calibration runs showed in it, at least <see cref="Floor"/>, rounded up to two significant
/// digits (so the file reads 0.038, not 0.03770368…, and never allows less than the rule says). The multiple leaves
/// room for machines that differ more than the perturbations did; the floor keeps a column in which every run agreed
/// (a count, say) from demanding bit-for-bit equality on a machine the runs did not sample.
/// </summary>
internal sealed record ToleranceRule(double Multiple, double Floor)
{
    public static readonly ToleranceRule Default = new(3, 1e-6);

    public Tolerance For(double maxDeviation)
    {
        if (!double.IsFinite(maxDeviation) || maxDeviation < 0) throw new ArgumentOutOfRangeException(nameof(maxDeviation), maxDeviation, "a spread is a finite number ≥ 0");
        return new Tolerance(Absolute: RoundUp(Math.Max(Multiple * maxDeviation, Floor)));
    }

    public void Validate()
    {
        if (!double.IsFinite(Multiple) || Multiple < 1) throw new ArgumentException($"tolerance multiple {Multiple}: must be at least 1 (a tolerance below the measured spread fails the runs it came from)");
        if (!double.IsFinite(Floor) || Floor <= 0) throw new ArgumentException($"tolerance floor {Floor}: must be a positive number");
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Multiple:G6} × the largest difference between any two runs, at least {Floor:G6}, rounded up to two significant digits");

    /// <summary>The smallest number of two significant digits that is ≥ value (value &gt; 0).</summary>
    internal static double RoundUp(double value)
    {
        var exponent = (int)Math.Floor(Math.Log10(value)) - 1;
        var mantissa = (long)Math.Ceiling(value / Math.Pow(10, exponent) - 1e-9);
        var rounded = double.Parse($"{mantissa}E{exponent}", CultureInfo.InvariantCulture);
        while (rounded < value) rounded = double.Parse($"{++mantissa}E{exponent}", CultureInfo.InvariantCulture);
        return rounded;
    }
}
