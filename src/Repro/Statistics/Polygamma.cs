namespace Repro.Statistics;

/// <summary>
/// The digamma ψ(x) = d/dx ln Γ(x) and trigamma ψ′(x) functions for x &gt; 0, and the inverse of trigamma: what
/// estimating a scaled inverse χ² prior from sample variances needs (<see cref="VariancePrior"/>). .NET has none.
/// Both use the recurrences ψ(x) = ψ(x + 1) − 1/x, ψ′(x) = ψ′(x + 1) + 1/x² up to x ≥ 10, then their asymptotic
/// series (Abramowitz &amp; Stegun 6.3.18, 6.4.12): absolute error below 1e-13 there.
/// </summary>
internal static class Polygamma
{
    public static double Digamma(double x)
    {
        if (!(x > 0) || !double.IsFinite(x)) throw new ArgumentOutOfRangeException(nameof(x), x, "digamma is computed for finite x > 0");
        var shift = 0.0;
        for (; x < 10; x++) shift -= 1 / x;
        var f = 1 / (x * x);
        return shift + Math.Log(x) - 0.5 / x - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))));
    }

    public static double Trigamma(double x)
    {
        if (!(x > 0) || !double.IsFinite(x)) throw new ArgumentOutOfRangeException(nameof(x), x, "trigamma is computed for finite x > 0");
        var shift = 0.0;
        for (; x < 10; x++) shift += 1 / (x * x);
        var f = 1 / (x * x);
        return shift + 1 / x + f / 2 + f / x * (1.0 / 6 - f * (1.0 / 30 - f * (1.0 / 42 - f / 30)));
    }

    /// <summary>
    /// The x &gt; 0 with ψ′(x) = <paramref name="y"/>, by Smyth's (2004) Newton iteration on 1/ψ′, which is convex
    /// and starts from x = 1/2 + 1/y; the derivative ψ″ comes from ψ″(x) = ψ″(x + 1) − 2/x³ and its series.
    /// </summary>
    public static double TrigammaInverse(double y)
    {
        if (!(y > 0) || !double.IsFinite(y)) throw new ArgumentOutOfRangeException(nameof(y), y, "trigamma takes values in (0, ∞)");
        if (y > 1e7) return 1 / Math.Sqrt(y); // ψ′(x) ≈ 1/x² near 0
        if (y < 1e-6) return 1 / y;           // ψ′(x) ≈ 1/x for large x
        var x = 0.5 + 1 / y;
        for (var i = 0; i < 100; i++)
        {
            var tri = Trigamma(x);
            var step = tri * (1 - tri / y) / Tetragamma(x);
            x += step;
            if (-step / x < 1e-12) break;
        }
        return x;
    }

    /// <summary>ψ″(x), the derivative of trigamma (A&amp;S 6.4.13's series after the recurrence).</summary>
    private static double Tetragamma(double x)
    {
        var shift = 0.0;
        for (; x < 10; x++) shift -= 2 / (x * x * x);
        var f = 1 / (x * x);
        return shift - f - f / x - f * f * (0.5 - f * (1.0 / 6 - f * (1.0 / 6 - f * 0.3)));
    }
}
