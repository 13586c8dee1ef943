namespace Repro.Statistics;

/// <summary>
/// The spread of the smallest of k independent draws from one normal distribution, in units of that distribution's
/// standard deviation: a claim over k seeds is decided on its worst seed, and a rerun's worst seed scatters around
/// this one's by this much (k = 1: 1; k = 2: √(1 − 1/π) = 0.826; k = 3: 0.748).
/// </summary>
internal static class MinimumOfNormals
{
    /// <summary>sd of min(Z₁, …, Z_k), Zᵢ standard normal: the moments of the density k φ(x) (1 − Φ(x))^(k−1),
    /// integrated by Simpson's rule over [−12, 12] (the tails beyond hold less than 1e-30).</summary>
    public static double StandardDeviation(int k)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "at least one draw");
        const int steps = 4800;
        const double from = -12, to = 12, h = (to - from) / steps;
        double m1 = 0, m2 = 0;
        for (var i = 0; i <= steps; i++)
        {
            var x = from + i * h;
            var weight = (i == 0 || i == steps ? 1 : i % 2 == 1 ? 4 : 2) * h / 3;
            var density = k * Math.Exp(-x * x / 2) / Math.Sqrt(2 * Math.PI) * Math.Pow(1 - StandardNormal.Cdf(x), k - 1);
            m1 += weight * x * density;
            m2 += weight * x * x * density;
        }
        return Math.Sqrt(m2 - m1 * m1);
    }
}
