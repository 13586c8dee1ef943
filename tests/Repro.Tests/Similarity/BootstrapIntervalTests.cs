using Repro.Statistics;

namespace Repro.Tests.Similarity;

public class BootstrapIntervalTests
{
    [Test]
    public void TheNormalCdfAndQuantileMatchTabulatedValues()
    {
        Assert.That(StandardNormal.Cdf(0), Is.EqualTo(0.5).Within(1e-7));
        Assert.That(StandardNormal.Cdf(1.959963984540054), Is.EqualTo(0.975).Within(1e-7));
        Assert.That(StandardNormal.Cdf(-1), Is.EqualTo(0.15865525393145707).Within(1e-7));
        Assert.That(StandardNormal.Quantile(0.975), Is.EqualTo(1.959963984540054).Within(1e-8));
        Assert.That(StandardNormal.Quantile(0.001), Is.EqualTo(-3.090232306167814).Within(1e-8));
        foreach (var p in new[] { 0.01, 0.2, 0.5, 0.9, 0.999 }) Assert.That(StandardNormal.Cdf(StandardNormal.Quantile(p)), Is.EqualTo(p).Within(1e-7));
    }

    [Test]
    public void BcaIsThePercentileIntervalWhenReplicatesAreCentredAndSymmetric()
    {
        var replicates = Enumerable.Range(0, 1001).Select(i => i / 1000.0).ToArray(); // median 0.5
        var jackknife = new[] { 0.4, 0.5, 0.6 };
        var bca = BootstrapInterval.Of(0.5, replicates, jackknife, 0.9, IntervalMethod.Bca);
        var plain = BootstrapInterval.Of(0.5, replicates, null, 0.9, IntervalMethod.Percentile);
        Assert.That(bca.Lower, Is.EqualTo(plain.Lower).Within(1e-6));
        Assert.That(bca.Upper, Is.EqualTo(plain.Upper).Within(1e-6));
        Assert.That(plain.Lower, Is.EqualTo(0.05).Within(1e-12));
    }

    [Test]
    public void ReplicatesAboveTheEstimateMoveTheBcaIntervalDown()
    {
        var replicates = Enumerable.Range(0, 1001).Select(i => i / 1000.0).ToArray();
        var bca = BootstrapInterval.Of(0.3, replicates, null, 0.9, IntervalMethod.Bca);
        // z0 = Φ⁻¹(0.3): levels Φ(2·z0 ± 1.645) = Φ(−2.693), Φ(0.596).
        Assert.That(bca.Lower, Is.EqualTo(StandardNormal.Cdf(2 * StandardNormal.Quantile(0.3) - 1.6448536269514722)).Within(2e-3));
        Assert.That(bca.Upper, Is.EqualTo(StandardNormal.Cdf(2 * StandardNormal.Quantile(0.3) + 1.6448536269514722)).Within(2e-3));
    }

    [Test]
    public void TheCentredIntervalIsThePercentileIntervalMovedByTheBootstrapBiasAndClipped()
    {
        double[] replicates = [0.90, 0.92, 0.94, 0.96, 0.98]; // mean 0.94
        var plain = BootstrapInterval.Of(0.93, replicates, null, 0.5, IntervalMethod.Percentile);
        var centred = BootstrapInterval.Of(0.93, replicates, null, 0.5, IntervalMethod.Centered);
        Assert.That(centred.Lower, Is.EqualTo(plain.Lower - 0.01).Within(1e-12));
        Assert.That(centred.Upper, Is.EqualTo(plain.Upper - 0.01).Within(1e-12));
        var clipped = BootstrapInterval.Of(0.99, [0.95, 0.99, 1.0], null, 0.9, IntervalMethod.Centered, 0, 1);
        Assert.That(clipped.Upper, Is.EqualTo(1.0));
        Assert.That(clipped.Lower, Is.LessThan(1.0));
    }

    [Test]
    public void NaNReplicatesGiveNoInterval()
    {
        var e = BootstrapInterval.Of(0.5, [0.4, double.NaN, 0.6], null, 0.95, IntervalMethod.Bca);
        Assert.That(double.IsNaN(e.Lower) && double.IsNaN(e.Upper), Is.True);
    }
}
