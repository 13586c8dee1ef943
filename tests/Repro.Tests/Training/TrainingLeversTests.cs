using Repro.Models.Darknet;
using Repro.Torch;
using Repro.Training;

namespace Repro.Tests.Training;

/// <summary>The levers small profiles pull so that minutes of CPU training give detectors that detect.</summary>
public class TrainingLeversTests
{
    [Test]
    public void WarmupRisesLinearlyFromATenthAndCosineEndsAtTheFinalFraction()
    {
        var s = new LearningRateSchedule(1e-3, WarmupEpochs: 2, Cosine: true, FinalFraction: 0.05);
        Assert.That(s.At(0, 10), Is.EqualTo(1e-4).Within(1e-12));
        Assert.That(s.At(1, 10), Is.EqualTo(0.55e-3).Within(1e-12));
        Assert.That(s.At(2, 10), Is.EqualTo(1e-3).Within(1e-12), "the top of the cosine");
        Assert.That(s.At(6, 10), Is.EqualTo(0.525e-3).Within(1e-12), "half-way down: the mean of top and bottom");
        Assert.That(s.At(10, 10), Is.EqualTo(0.05e-3).Within(1e-12));
        var previous = double.PositiveInfinity;
        for (var t = 2.0; t <= 10; t += 0.25)
        {
            Assert.That(s.At(t, 10), Is.LessThanOrEqualTo(previous), $"falls monotonically (t = {t})");
            previous = s.At(t, 10);
        }
    }

    [Test]
    public void TheConstantScheduleIsThePapers()
    {
        var s = LearningRateSchedule.Constant(1e-4);
        Assert.That(new[] { 0.0, 3.5, 99 }.Select(t => s.At(t, 100)), Is.All.EqualTo(1e-4));
    }

    [Test]
    public void KMeansFindsPlantedShapeClustersWhateverTheirOrder()
    {
        // Three tight clusters of box shapes: the anchors are their centres, sorted by area.
        var rng = new Random(7);
        (double, double)[] centres = [(40, 20), (4, 8), (12, 12)];
        var shapes = Enumerable.Range(0, 600).Select(i => centres[i % 3])
            .Select(c => (c.Item1 * (1 + 0.05 * (rng.NextDouble() - 0.5)), c.Item2 * (1 + 0.05 * (rng.NextDouble() - 0.5)))).ToList();
        var anchors = AnchorFitting.Fit(shapes, 3);
        Assert.That(anchors.Select(a => ((double)a.Width, (double)a.Height)),
            Is.EqualTo(new[] { (4.0, 8.0), (12.0, 12.0), (40.0, 20.0) }).Using<(double, double)>((a, b) =>
                Math.Abs(a.Item1 - b.Item1) < 0.3 && Math.Abs(a.Item2 - b.Item2) < 0.3));
        Assert.That(AnchorFitting.MeanBestIou(shapes, anchors), Is.GreaterThan(0.95));
        rng = new Random(1);
        var shuffled = shapes.OrderBy(_ => rng.Next()).ToList();
        Assert.That(AnchorFitting.Fit(shuffled, 3), Is.EqualTo(anchors), "deterministic: the order of the boxes does not matter");
    }

    [Test]
    public void KMeansRefusesTooFewOrEmptyBoxes()
    {
        Assert.Throws<ArgumentException>(() => AnchorFitting.Fit([(1, 1), (2, 2)], 3));
        Assert.Throws<ArgumentException>(() => AnchorFitting.Fit([(1, 1), (0, 2), (3, 3)], 2));
    }

    [Test]
    public void FittedAnchorsReplaceEveryYoloLayersAnchorsAndMustMatchTheirCount()
    {
        (float, float)[] nine = [(1, 2), (3, 4), (5, 6), (7, 8), (9, 10), (11, 12), (13, 14), (15, 16), (17, 18)];
        var cfg = BuiltinCfgs.YoloV3(new ModelOverrides(Classes: 5, Width: 0.125, Size: 64, Anchors: nine));
        var yolos = cfg.Layers.OfType<YoloSpec>().ToList();
        Assert.That(yolos, Has.Count.EqualTo(3));
        Assert.That(yolos.Select(y => y.Anchors), Is.All.EqualTo(nine));
        Assert.That(yolos[0].MaskedAnchors, Is.EqualTo(new[] { (13f, 14f), (15f, 16f), (17f, 18f) }), "masks still pick per scale");
        var e = Assert.Throws<ArgumentException>(() => BuiltinCfgs.YoloV3(new ModelOverrides(Anchors: nine[..4])))!;
        Assert.That(e.Message, Does.Contain("4 anchors given"));
    }

    [Test]
    public void ObjectnessPriorSetsOnlyTheObjectnessBiasOfEveryAnchor()
    {
        using var network = DarknetNetwork.Build(BuiltinCfgs.YoloV3(new ModelOverrides(Classes: 5, Width: 0.125, Size: 64)), seed: 3);
        float[] Bias(int layer) => network.named_parameters().Single(p => p.Name == $"{layer}.conv.bias").Parameter.ToArray<float>();
        var before = network.Heads.ToDictionary(h => h.LayerIndex, h => Bias(h.LayerIndex - 1));
        ObjectnessPrior.Apply(network, 0.01);
        var logit = (float)Math.Log(0.01 / 0.99);
        foreach (var head in network.Heads)
        {
            var after = Bias(head.LayerIndex - 1);
            Assert.That(after, Has.Length.EqualTo(3 * 10));
            for (var i = 0; i < after.Length; i++)
                Assert.That(after[i], Is.EqualTo(i % 10 == 4 ? logit : before[head.LayerIndex][i]), $"head {head.LayerIndex}, bias {i}");
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => ObjectnessPrior.Apply(network, 1));
    }
}
