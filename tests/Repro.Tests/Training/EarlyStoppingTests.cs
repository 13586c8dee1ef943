using Repro.Training;

namespace Repro.Tests.Training;

public class EarlyStoppingTests
{
    [Test]
    public void StopsAfterPatienceEpochsWithoutImprovementAndKeepsTheBest()
    {
        var early = new EarlyStopping(patience: 3);
        // Improves at epochs 1, 2, 3 (5 → 4 → 3); 3.5, 3.2 are worse; 3.0 only equals the best, which is not better.
        double[] curve = [5, 4, 3, 3.5, 3.2, 3.0, 1.0];
        var improved = new List<bool>();
        var epoch = 0;
        while (!early.ShouldStop) improved.Add(early.Observe(++epoch, curve[epoch - 1]));

        Assert.That(epoch, Is.EqualTo(6), "stops after epoch 6: three epochs (4, 5, 6) without improvement");
        Assert.That(improved, Is.EqualTo(new[] { true, true, true, false, false, false }));
        Assert.That((early.BestEpoch, early.BestLoss), Is.EqualTo((3, 3.0)));
    }

    [Test]
    public void AnImprovementResetsTheCount()
    {
        var early = new EarlyStopping(patience: 2);
        double[] curve = [2, 2.5, 1.5, 1.6, 1.7];
        var stoppedAfter = 0;
        for (var e = 1; e <= curve.Length && !early.ShouldStop; e++)
        {
            early.Observe(e, curve[e - 1]);
            stoppedAfter = e;
        }
        // Epoch 2 is worse (count 1), epoch 3 improves (count 0), epochs 4 and 5 are worse (count 2): stop after 5.
        Assert.That((stoppedAfter, early.BestEpoch, early.ShouldStop), Is.EqualTo((5, 3, true)));
    }

    [Test]
    public void MinDeltaDemandsARealImprovement()
    {
        var early = new EarlyStopping(patience: 5, minDelta: 0.1);
        early.Observe(1, 1.0);
        Assert.That(early.Observe(2, 0.95), Is.False, "0.05 better is within min delta");
        Assert.That(early.Observe(3, 0.85), Is.True);
        Assert.That(early.BestEpoch, Is.EqualTo(3));
    }

    [Test]
    public void NonFiniteLossIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new EarlyStopping(3).Observe(4, double.NaN))!;
        Assert.That(e.Message, Does.Contain("epoch 4"));
    }
}
