using Repro.Data;
using Repro.Evaluation;

namespace Repro.Tests.Evaluation;

/// <summary>mAP of a reweighted image set equals mAP of the resample written out image by image.</summary>
public class ImageWeightedMapTests
{
    /// <summary>Twelve images with cars and people at random places, and noisy detections of them (some duplicated,
    /// some misplaced, some of the wrong class), all seeded.</summary>
    private static (GroundTruth Truth, List<Detection> Detections) RandomSet(int seed)
    {
        var random = new Random(seed);
        var truth = new GroundTruth();
        var detections = new List<Detection>();
        for (var i = 0; i < 12; i++)
        {
            var id = $"img{i}";
            var boxes = Enumerable.Range(0, random.Next(0, 4)).Select(_ =>
            {
                var (x, y) = (random.Next(0, 80), random.Next(0, 80));
                return new BoundingBox(random.Next(2) == 0 ? CommonClass.Car : CommonClass.Person, x, y, x + 10 + random.Next(10), y + 10 + random.Next(10));
            }).ToList();
            truth.Add(id, boxes);
            foreach (var box in boxes)
                for (var copy = 0; copy < random.Next(0, 3); copy++)
                {
                    var shift = random.Next(0, 8);
                    var cls = random.Next(6) == 0 ? CommonClass.Bus : box.Class;
                    // Scores on a coarse grid, so some tie across images.
                    detections.Add(new Detection(id, box with { Class = cls, X1 = box.X1 + shift, X2 = box.X2 + shift }, random.Next(1, 10) / 10f));
                }
        }
        return (truth, detections);
    }

    [Test]
    public void UnitWeightsGiveTheEvaluatorsMap()
    {
        var (truth, detections) = RandomSet(1);
        var weighted = new ImageWeightedMap(detections, truth);
        var expected = DetectionEvaluator.Evaluate(detections, truth).MeanAveragePrecision;
        Assert.That(weighted.Map(Enumerable.Repeat(1.0, truth.ImageCount).ToArray()), Is.EqualTo(expected).Within(1e-12));
    }

    [TestCase(2, Interpolation.AllPoints)]
    [TestCase(3, Interpolation.AllPoints)]
    [TestCase(4, Interpolation.AllPoints)]
    [TestCase(2, Interpolation.ElevenPoint)]
    [TestCase(3, Interpolation.HundredOnePoint)]
    public void AResampleEqualsTheExpandedImageSet(int seed, Interpolation interpolation)
    {
        var (truth, detections) = RandomSet(seed);
        var options = new EvaluationOptions(0.5, interpolation);
        var weighted = new ImageWeightedMap(detections, truth, options);
        var random = new Random(seed);
        var weights = new double[truth.ImageCount];
        for (var i = 0; i < weights.Length; i++) weights[random.Next(weights.Length)]++;

        // The resample written out: copy k of image i becomes image "i#k" with the same boxes and detections.
        var expanded = new GroundTruth();
        var expandedDetections = new List<Detection>();
        for (var i = 0; i < weights.Length; i++)
        {
            var id = weighted.ImageIds[i];
            for (var k = 0; k < weights[i]; k++)
            {
                expanded.Add($"{id}#{k}", truth.BoxesOf(id));
                expandedDetections.AddRange(detections.Where(d => d.ImageId == id).Select(d => d with { ImageId = $"{id}#{k}" }));
            }
        }
        var expected = DetectionEvaluator.Evaluate(expandedDetections, expanded, options).MeanAveragePrecision;
        Assert.That(weighted.Map(weights), Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void AResampleWithoutGroundTruthHasNoMap()
    {
        var truth = new GroundTruth();
        truth.Add("empty");
        truth.Add("car", new BoundingBox(CommonClass.Car, 0, 0, 10, 10));
        var weighted = new ImageWeightedMap([new Detection("car", new BoundingBox(CommonClass.Car, 0, 0, 10, 10), 0.9f)], truth);
        Assert.That(weighted.Map([2.0, 0.0]), Is.Null);
        Assert.That(weighted.Map([0.0, 2.0]), Is.EqualTo(1.0));
    }
}
