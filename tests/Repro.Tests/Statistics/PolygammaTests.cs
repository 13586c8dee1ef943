using Repro.Statistics;

namespace Repro.Tests.Statistics;

/// <summary>
/// Digamma and trigamma against their closed forms (ψ(1) = −γ, ψ(1/2) = −γ − 2 ln 2, ψ′(1) = π²/6, ψ′(1/2) = π²/2,
/// and the recurrences to larger arguments), and the inverse of trigamma against trigamma.
/// </summary>
public class PolygammaTests
{
    private const double EulerGamma = 0.57721566490153286;

    [TestCase(1.0, -EulerGamma)]
    [TestCase(0.5, -EulerGamma - 1.3862943611198906)]                       // − 2 ln 2
    [TestCase(3.0, -EulerGamma + 1.5)]                                      // ψ(n) = −γ + 1 + 1/2 + … + 1/(n−1)
    [TestCase(10.0, -EulerGamma + 2.8289682539682540)]                      // H₉
    [TestCase(1000.0, 6.9072551956488060)]
    public void DigammaHasItsKnownValues(double x, double expected) => Assert.That(Polygamma.Digamma(x), Is.EqualTo(expected).Within(1e-12));

    [TestCase(1.0, 1.6449340668482264)]                                     // π²/6
    [TestCase(0.5, 4.9348022005446793)]                                     // π²/2
    [TestCase(3.0, 1.6449340668482264 - 1.25)]                              // ψ′(n) = π²/6 − Σ 1/k², k < n
    [TestCase(0.1, 101.43329915079276)]
    public void TrigammaHasItsKnownValues(double x, double expected) => Assert.That(Polygamma.Trigamma(x), Is.EqualTo(expected).Within(1e-10 * expected));

    [TestCase(0.01)]
    [TestCase(0.4)]
    [TestCase(2.0)]
    [TestCase(37.5)]
    [TestCase(5000.0)]
    public void TrigammaInverseUndoesTrigamma(double x) =>
        Assert.That(Polygamma.TrigammaInverse(Polygamma.Trigamma(x)), Is.EqualTo(x).Within(1e-8 * x));
}
