using Repro.Statistics;

namespace Repro.Tests.Statistics;

/// <summary>
/// The scaled inverse χ² prior of many rows' sample variances (Smyth 2004): recovered from rows drawn from a known
/// one, infinite when the rows share one variance, absent with too few rows, and the moderated variance it gives.
/// </summary>
public class VariancePriorTests
{
    /// <summary>χ² with <paramref name="df"/> degrees of freedom: a sum of squared standard normals (Box–Muller).</summary>
    private static double ChiSquared(Random random, int df)
    {
        var sum = 0.0;
        for (var i = 0; i < df; i++)
        {
            var z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            sum += z * z;
        }
        return sum;
    }

    [Test]
    public void ThePriorOfRowsDrawnFromAKnownOneIsRecovered()
    {
        // σ² ~ d₀s₀²/χ²(d₀) per row, then s² ~ σ²χ²(d)/d: 20,000 rows of 4 degrees of freedom, d₀ = 8, s₀² = 0.01.
        var random = new Random(7);
        var variances = Enumerable.Range(0, 20_000).Select(_ =>
        {
            var sigma2 = 8 * 0.01 / ChiSquared(random, 8);
            return sigma2 * ChiSquared(random, 4) / 4;
        }).ToList();
        var prior = VariancePrior.Estimate(variances, 4);
        // At 20,000 rows the estimator's own sd is 0.23 in d₀ and 0.76 % in s₀² (50 draws of an independent float64
        // implementation): the bounds are about four of those.
        Assert.That(prior.Df, Is.EqualTo(8).Within(1.0));
        Assert.That(prior.Variance, Is.EqualTo(0.01).Within(0.0003));
    }

    [Test]
    public void RowsThatShareOneVarianceGiveALargeOrInfinitePrior()
    {
        // Sampling alone spreads these rows' variances: the excess is noise around zero, so d₀ is large (26 at the
        // least over 40 draws of an independent implementation; infinite where the excess came out negative).
        var random = new Random(3);
        var variances = Enumerable.Range(0, 5000).Select(_ => 0.04 * ChiSquared(random, 3) / 3).ToList();
        var prior = VariancePrior.Estimate(variances, 3);
        Assert.That(prior.Df, Is.GreaterThan(15));
        Assert.That(prior.Variance, Is.EqualTo(0.04).Within(0.0035));

        var same = VariancePrior.Estimate(Enumerable.Repeat(0.04, 10), 3);
        Assert.That(same.Df, Is.EqualTo(double.PositiveInfinity), "no spread at all: one common variance");
        Assert.That(same.Moderate(1.0, 3), Is.EqualTo(same.Variance));
        Assert.That(same.Variance, Is.EqualTo(0.04 * Math.Exp(-Polygamma.Digamma(1.5) + Math.Log(1.5))).Within(1e-15),
            "exp of the mean corrected log-variance: the log of a χ² variance is biased low by ψ(d/2) − log(d/2)");
    }

    [Test]
    public void FewerThanThreeVaryingRowsGiveNoPriorAndExactOnesAreLeftOut()
    {
        Assert.That(VariancePrior.Estimate([0.1, 0.2, 0, 0, 0], 2), Is.EqualTo(VariancePrior.None));
        Assert.That(VariancePrior.Estimate([0.1, 0.2, 0.4], 2).Df, Is.GreaterThan(0));
    }

    [Test]
    public void TheModeratedVarianceLiesBetweenTheRowsAndThePriors()
    {
        var prior = new VariancePrior(2, 0.01);
        Assert.That(prior.Moderate(0.04, 4), Is.EqualTo((2 * 0.01 + 4 * 0.04) / 6).Within(1e-15));
        Assert.That(prior.Moderate(0, 4), Is.EqualTo(2 * 0.01 / 6).Within(1e-15), "a row whose runs happened to agree keeps the prior's share");
        Assert.That(prior.TotalDf(4), Is.EqualTo(6));
    }
}
