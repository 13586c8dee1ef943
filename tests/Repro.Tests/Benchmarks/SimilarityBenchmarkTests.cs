using Repro.Benchmarks;
using Repro.Similarity;

namespace Repro.Tests.Benchmarks;

public class SimilarityBenchmarkTests
{
    [Test]
    public void YoloV3ShapesFollowTheDarknetLayerFacts()
    {
        var s = YoloV3LayerShapes.Of(416);
        Assert.That(s, Has.Count.EqualTo(107));
        Assert.That(s[0], Is.EqualTo((32, 416, 416)), "layer 0: ≈ 5.5 M features per image");
        Assert.That(s[1], Is.EqualTo((64, 208, 208)));
        Assert.That(s[36], Is.EqualTo((256, 52, 52)));
        Assert.That(s[61], Is.EqualTo((512, 26, 26)));
        Assert.That(s[74], Is.EqualTo((1024, 13, 13)));
        Assert.That(s[82], Is.EqualTo((30, 13, 13)));
        Assert.That(s[83], Is.EqualTo((512, 13, 13)), "route 83 → 79");
        Assert.That(s[86], Is.EqualTo((768, 26, 26)), "route 86 → 85 + 61");
        Assert.That(s[94], Is.EqualTo((30, 26, 26)));
        Assert.That(s[98], Is.EqualTo((384, 52, 52)), "route 98 → 97 + 36");
        Assert.That(s[106], Is.EqualTo((30, 52, 52)));
    }

    [Test]
    public void FullSizeYoloV3At416FitsTheDefaultBudgetInAFewPasses()
    {
        var shapes = YoloV3LayerShapes.Of(416);
        var (passes, activationBytes, largestPass) = SimilarityBenchmark.PlanFor(shapes, 200, GramCaptureOptions.DefaultBudget);
        Assert.That(activationBytes, Is.GreaterThan(GramCaptureOptions.DefaultBudget), "the point: everything at once does not fit");
        Assert.That(largestPass, Is.LessThanOrEqualTo(GramCaptureOptions.DefaultBudget));
        Assert.That(passes, Is.EqualTo((int)Math.Ceiling(activationBytes / (double)largestPass)).Within(1));
        Assert.That(passes, Is.LessThanOrEqualTo(12));
    }

    [Test]
    public void TheBenchmarkReturnsMeasuredRows()
    {
        var rows = SimilarityBenchmark.Run(examples: 6, bootstrapReplicates: 2, matmulSize: 64);
        Assert.That(rows.Select(r => r.Name), Has.Some.StartsWith("matmul float64 peak"));
        Assert.That(rows.Select(r => r.Name), Has.Some.StartsWith("whole analysis"));
        Assert.That(rows.Where(r => r.Unit is "GFLOP/s" or "s" or "MB").Select(r => r.Value), Is.All.GreaterThan(0));
        var held = rows.Single(r => r.Name.StartsWith("capture peak held"));
        Assert.That(held.Ratio, Is.InRange(0, 1));
    }
}
