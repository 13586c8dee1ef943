namespace Repro.Statistics;

/// <summary>
/// Student's t distribution with a whole number of degrees of freedom: the two-sided quantile a prediction from a
/// handful of seeds needs (two seeds: one degree of freedom, t = 12.7 at 95 %). .NET has none.
/// </summary>
internal static class StudentT
{
    /// <summary>The t with P(|T| ≤ t) = <paramref name="level"/> for ν degrees of freedom, by bisection on
    /// <see cref="CentralProbability"/> (to 1e-12).</summary>
    public static double TwoSidedQuantile(double level, int degreesOfFreedom)
    {
        if (level is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(level), level, "level must be in (0, 1)");
        if (degreesOfFreedom < 1) throw new ArgumentOutOfRangeException(nameof(degreesOfFreedom), degreesOfFreedom, "at least one degree of freedom");
        var (low, high) = (0.0, 1.0);
        while (CentralProbability(high, degreesOfFreedom) < level) high *= 2;
        while (high - low > 1e-12 * high)
        {
            var middle = (low + high) / 2;
            if (CentralProbability(middle, degreesOfFreedom) < level) low = middle;
            else high = middle;
        }
        return (low + high) / 2;
    }

    /// <summary>
    /// P(|T| ≤ t) for ν degrees of freedom, the finite series of Abramowitz &amp; Stegun 26.7.3–4 with θ = atan(t/√ν):
    /// ν odd: (2/π)(θ + sin θ (cos θ + (2/3) cos³θ + … + (2·4⋯(ν−3))/(1·3⋯(ν−2)) cos^(ν−2) θ)), ν = 1: 2θ/π;
    /// ν even: sin θ (1 + (1/2) cos²θ + (1·3)/(2·4) cos⁴θ + … + (1·3⋯(ν−3))/(2·4⋯(ν−2)) cos^(ν−2) θ).
    /// </summary>
    public static double CentralProbability(double t, int degreesOfFreedom)
    {
        var nu = degreesOfFreedom;
        var theta = Math.Atan(Math.Abs(t) / Math.Sqrt(nu));
        var (sin, cos) = (Math.Sin(theta), Math.Cos(theta));
        if (nu % 2 == 0)
        {
            double term = 1, sum = 1;
            for (var k = 2; k <= nu - 2; k += 2)
            {
                term *= (k - 1.0) / k * cos * cos;
                sum += term;
            }
            return sin * sum;
        }
        if (nu == 1) return 2 * theta / Math.PI;
        double odd = cos, total = cos;
        for (var k = 3; k <= nu - 2; k += 2)
        {
            odd *= (k - 1.0) / k * cos * cos;
            total += odd;
        }
        return 2 / Math.PI * (theta + sin * total);
    }
}
