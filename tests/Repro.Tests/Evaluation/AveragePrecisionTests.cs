using Repro.Data;
using Repro.Evaluation;

namespace Repro.Tests.Evaluation;

/// <summary>AP and mAP on cases small enough to work out by hand (the arithmetic is in the comments).</summary>
public class AveragePrecisionTests
{
    private static BoundingBox Car(float x1, float y1, float x2, float y2) => new(CommonClass.Car, x1, y1, x2, y2);
    private static BoundingBox Person(float x1, float y1, float x2, float y2) => new(CommonClass.Person, x1, y1, x2, y2);
    private static Detection Det(string image, BoundingBox box, float score) => new(image, box, score);

    private static EvaluationResult Evaluate(GroundTruth truth, IReadOnlyList<Detection> detections,
        Interpolation interpolation = Interpolation.AllPoints, double iou = 0.5) =>
        DetectionEvaluator.Evaluate(detections, truth, new EvaluationOptions(iou, interpolation));

    [Test]
    public void PerfectDetectionsScoreOne()
    {
        var truth = new GroundTruth();
        truth.Add("a", Car(0, 0, 10, 10), Person(50, 50, 60, 80));
        truth.Add("b", Car(20, 20, 40, 40));
        var result = Evaluate(truth, [Det("a", Car(0, 0, 10, 10), 0.9f), Det("b", Car(20, 20, 40, 40), 0.8f), Det("a", Person(50, 50, 60, 80), 0.3f)]);

        Assert.That(result[CommonClass.Car].AveragePrecision, Is.EqualTo(1.0));
        Assert.That(result[CommonClass.Person].AveragePrecision, Is.EqualTo(1.0));
        Assert.That(result[CommonClass.Car].Precision, Is.EqualTo(1.0));
        Assert.That(result[CommonClass.Car].Recall, Is.EqualTo(1.0));
        // Cycle, truck, bus have no ground truth: undefined, not in the mean.
        Assert.That(result[CommonClass.Bus].AveragePrecision, Is.Null);
        Assert.That(result.MeanAveragePrecision, Is.EqualTo(1.0));
    }

    [Test]
    public void AllWrongScoresZero()
    {
        var truth = new GroundTruth();
        truth.Add("a", Car(0, 0, 10, 10));
        truth.Add("b", Car(20, 20, 40, 40));
        // Car shifted by half its width: intersection 50, union 150, IoU 1/3 < 0.5. Right place, wrong class.
        // A detection on the wrong image.
        var result = Evaluate(truth, [Det("a", Car(5, 0, 15, 10), 0.9f), Det("a", Person(0, 0, 10, 10), 0.8f), Det("a", Car(20, 20, 40, 40), 0.7f)]);

        var car = result[CommonClass.Car];
        Assert.That(car.AveragePrecision, Is.EqualTo(0.0));
        Assert.That((car.TruePositives, car.DetectionCount, car.Precision, car.Recall), Is.EqualTo((0, 2, 0.0, 0.0)));
        // Person: a false positive but no ground truth: AP undefined, precision 0.
        Assert.That(result[CommonClass.Person].AveragePrecision, Is.Null);
        Assert.That(result[CommonClass.Person].Precision, Is.EqualTo(0.0));
        Assert.That(result.MeanAveragePrecision, Is.EqualTo(0.0));
    }

    [Test]
    public void DuplicatesAreFalsePositives()
    {
        var truth = new GroundTruth();
        truth.Add("a", Car(0, 0, 10, 10), Car(100, 100, 120, 120));
        // Ranked: A exact (TP), A again (FP: A is used up), B exact (TP).
        // Curve (recall, precision): (1/2, 1), (1/2, 1/2), (1, 2/3). Envelope: 1, 2/3, 2/3.
        // All points: 1/2·1 + 0·2/3 + 1/2·2/3 = 5/6.
        // 11-point: t = 0 … 0.5 (6 points) → 1; t = 0.6 … 1 (5 points) → 2/3; (6 + 10/3) / 11 = 28/33.
        // 101-point: t = 0 … 0.50 (51 points) → 1; t = 0.51 … 1 (50 points) → 2/3; (51 + 100/3) / 101 = 253/303.
        Detection[] detections = [Det("a", Car(0, 0, 10, 10), 0.9f), Det("a", Car(0, 0, 10, 10), 0.8f), Det("a", Car(100, 100, 120, 120), 0.7f)];

        Assert.That(Evaluate(truth, detections)[CommonClass.Car].AveragePrecision, Is.EqualTo(5.0 / 6).Within(1e-12));
        Assert.That(Evaluate(truth, detections, Interpolation.ElevenPoint)[CommonClass.Car].AveragePrecision, Is.EqualTo(28.0 / 33).Within(1e-12));
        Assert.That(Evaluate(truth, detections, Interpolation.HundredOnePoint)[CommonClass.Car].AveragePrecision, Is.EqualTo(253.0 / 303).Within(1e-12));
        var car = Evaluate(truth, detections)[CommonClass.Car];
        Assert.That((car.TruePositives, car.Precision, car.Recall), Is.EqualTo((2, 2.0 / 3, 1.0)));
    }

    [Test]
    public void MatchingIsGreedyByScoreNotByOverlap()
    {
        var truth = new GroundTruth();
        truth.Add("a", Car(0, 0, 10, 10));
        // The higher-scored detection (2, 0, 12, 10) overlaps less — intersection 80, union 120, IoU 2/3 ≥ 0.5 — and
        // takes the box; the exact one comes later and is a false positive. Curve (1, 1), (1, 1/2): AP 1.
        var result = Evaluate(truth, [Det("a", Car(0, 0, 10, 10), 0.5f), Det("a", Car(2, 0, 12, 10), 0.9f)]);
        var car = result[CommonClass.Car];
        Assert.That((car.TruePositives, car.AveragePrecision, car.Precision), Is.EqualTo((1, 1.0, 0.5)));
    }

    [Test]
    public void IouExactlyAtTheThresholdMatches()
    {
        var truth = new GroundTruth();
        truth.Add("a", Car(0, 0, 10, 10));
        // Intersection 100, union 200: IoU exactly 0.5.
        Assert.That(Evaluate(truth, [Det("a", Car(0, 0, 20, 10), 0.9f)])[CommonClass.Car].TruePositives, Is.EqualTo(1));
        Assert.That(Evaluate(truth, [Det("a", Car(0, 0, 20, 10), 0.9f)], iou: 0.51)[CommonClass.Car].TruePositives, Is.EqualTo(0));
    }

    [Test]
    public void MissedObjectsCapRecall()
    {
        var truth = new GroundTruth();
        truth.Add("a", Car(0, 0, 10, 10), Car(20, 0, 30, 10));
        truth.Add("b", Car(0, 0, 10, 10), Car(20, 0, 30, 10));
        // Two of four found, both ranked first: curve (1/4, 1), (1/2, 1).
        // All points: 1/4·1 + 1/4·1 = 1/2. 11-point: t = 0 … 0.5 → 1 (6 points), rest 0: 6/11.
        Detection[] detections = [Det("a", Car(0, 0, 10, 10), 0.9f), Det("b", Car(20, 0, 30, 10), 0.8f)];
        Assert.That(Evaluate(truth, detections)[CommonClass.Car].AveragePrecision, Is.EqualTo(0.5).Within(1e-12));
        Assert.That(Evaluate(truth, detections, Interpolation.ElevenPoint)[CommonClass.Car].AveragePrecision, Is.EqualTo(6.0 / 11).Within(1e-12));
        Assert.That(Evaluate(truth, detections)[CommonClass.Car].Recall, Is.EqualTo(0.5));
    }

    [Test]
    public void MixedClassesAreScoredSeparatelyAndAveraged()
    {
        var truth = new GroundTruth();
        truth.Add("a", Car(0, 0, 10, 10), Person(30, 0, 40, 30));
        truth.Add("b", Person(0, 0, 10, 30));
        Detection[] detections =
        [
            Det("a", Car(0, 0, 10, 10), 0.9f),                        // car: TP → AP 1
            Det("b", Person(50, 50, 60, 80), 0.95f),                  // person: FP first
            Det("a", Person(30, 0, 40, 30), 0.6f),                    // person: TP; the person in b is missed
            Det("a", new BoundingBox(CommonClass.Truck, 0, 0, 5, 5), 0.99f), // truck: no ground truth
        ];
        // Person curve: (0, 0), (1/2, 1/2). Envelope 1/2, 1/2. AP = 0·1/2 + 1/2·1/2 = 1/4.
        // mAP over car and person (the classes with ground truth): (1 + 1/4) / 2 = 5/8.
        var result = Evaluate(truth, detections);
        Assert.That(result[CommonClass.Car].AveragePrecision, Is.EqualTo(1.0));
        Assert.That(result[CommonClass.Person].AveragePrecision, Is.EqualTo(0.25).Within(1e-12));
        Assert.That(result[CommonClass.Truck].AveragePrecision, Is.Null);
        Assert.That(result[CommonClass.Truck].Precision, Is.EqualTo(0.0));
        Assert.That(result.MeanAveragePrecision, Is.EqualTo(0.625).Within(1e-12));
    }

    [Test]
    public void TiedScoresFormOnePointWhateverTheirOrder()
    {
        var truth = new GroundTruth();
        truth.Add("a", Car(0, 0, 10, 10), Car(100, 0, 110, 10));
        var a = Det("a", Car(0, 0, 10, 10), 0.9f);        // TP
        var miss = Det("a", Car(50, 50, 60, 60), 0.8f);   // FP, tied with the next
        var b = Det("a", Car(100, 0, 110, 10), 0.8f);     // TP
        // Tied detections enter together: curve (1/2, 1), (1, 2/3). AP = 1/2·1 + 1/2·2/3 = 5/6.
        // (Taking b before miss would give 1, miss before b would give 5/6: neither order is privileged.)
        Assert.That(Evaluate(truth, [a, miss, b])[CommonClass.Car].AveragePrecision, Is.EqualTo(5.0 / 6).Within(1e-12));
        Assert.That(Evaluate(truth, [a, b, miss])[CommonClass.Car].AveragePrecision, Is.EqualTo(5.0 / 6).Within(1e-12));
        Assert.That(Evaluate(truth, [b, miss, a])[CommonClass.Car].AveragePrecision, Is.EqualTo(5.0 / 6).Within(1e-12));
    }

    [Test]
    public void AClassWithGroundTruthButNoDetectionsScoresZeroAndCounts()
    {
        var truth = new GroundTruth();
        truth.Add("a", Car(0, 0, 10, 10), new BoundingBox(CommonClass.Bus, 20, 20, 80, 60));
        var result = Evaluate(truth, [Det("a", Car(0, 0, 10, 10), 0.9f)]);
        var bus = result[CommonClass.Bus];
        Assert.That((bus.AveragePrecision, bus.Recall, bus.Precision, bus.DetectionCount), Is.EqualTo(((double?)0.0, (double?)0.0, (double?)null, 0)));
        // (1 + 0) / 2.
        Assert.That(result.MeanAveragePrecision, Is.EqualTo(0.5));
    }

    [Test]
    public void NoGroundTruthAtAllGivesNoMean()
    {
        var truth = new GroundTruth();
        truth.Add("empty");
        var result = Evaluate(truth, [Det("empty", Car(0, 0, 10, 10), 0.9f)]);
        Assert.That(result.MeanAveragePrecision, Is.Null);
        Assert.That(result[CommonClass.Car].TruePositives, Is.EqualTo(0));
    }

    [Test]
    public void ADetectionOnAnUnlistedImageIsAnError()
    {
        var truth = new GroundTruth();
        truth.Add("a", Car(0, 0, 10, 10));
        var e = Assert.Throws<UnknownImageException>(() => Evaluate(truth, [Det("a", Car(0, 0, 10, 10), 0.9f), Det("typo", Car(0, 0, 10, 10), 0.5f)]))!;
        Assert.That((e.DetectionIndex, e.ImageId), Is.EqualTo((1, "typo")));
    }

    [Test]
    public void AllPointApMatchesANaiveReferenceOnRandomRankings()
    {
        // Reference: precision/recall after every detection (scores distinct, so no tie groups), envelope by a
        // double loop, area as a sum over recall steps — VOC's definition written as plainly as possible.
        var random = new Random(7);
        for (var trial = 0; trial < 200; trial++)
        {
            var gt = random.Next(1, 8);
            var n = random.Next(0, 12);
            var tp = new bool[n];
            var tpCount = 0;
            for (var i = 0; i < n; i++) if (tpCount < gt && random.NextDouble() < 0.5) { tp[i] = true; tpCount++; }
            var scores = Enumerable.Range(0, n).Select(i => 1f - i / 100f).ToList();

            var recall = new double[n];
            var precision = new double[n];
            var c = 0;
            for (var i = 0; i < n; i++) { if (tp[i]) c++; recall[i] = (double)c / gt; precision[i] = (double)c / (i + 1); }
            double expected = 0;
            for (var i = 0; i < n; i++)
            {
                var best = 0.0;
                for (var j = i; j < n; j++) best = Math.Max(best, precision[j]);
                expected += (recall[i] - (i == 0 ? 0 : recall[i - 1])) * best;
            }

            Assert.That(AveragePrecision.Compute(scores, tp, gt, Interpolation.AllPoints), Is.EqualTo(expected).Within(1e-12), $"trial {trial}");
        }
    }
}
