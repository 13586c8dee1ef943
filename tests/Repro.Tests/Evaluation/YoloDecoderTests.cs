using Repro.Data;
using Repro.Evaluation;
using Repro.Models;
using Repro.Torch;

namespace Repro.Tests.Evaluation;

/// <summary>Decoding and per-class NMS on raw outputs written element by element.</summary>
public class YoloDecoderTests
{
    private const int Classes = 5;
    private const int PerAnchor = 5 + Classes;
    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>A raw output N × A·(5+C) × gh × gw where every predictor is confidently "nothing".</summary>
    private static float[] Background(int n, int anchors, int gh, int gw)
    {
        var data = new float[n * anchors * PerAnchor * gh * gw];
        for (var b = 0; b < n; b++)
            for (var a = 0; a < anchors; a++)
                for (var y = 0; y < gh; y++)
                    for (var x = 0; x < gw; x++)
                    {
                        data[Index(b, a, 4, y, x, anchors, gh, gw)] = -20;
                        for (var c = 0; c < Classes; c++) data[Index(b, a, 5 + c, y, x, anchors, gh, gw)] = -20;
                    }
        return data;
    }

    private static int Index(int b, int a, int field, int y, int x, int anchors, int gh, int gw) =>
        (((b * anchors + a) * PerAnchor + field) * gh + y) * gw + x;

    private static void Set(float[] data, int b, int a, int y, int x, int anchors, int gh, int gw, params float[] fields)
    {
        for (var f = 0; f < fields.Length; f++) data[Index(b, a, f, y, x, anchors, gh, gw)] = fields[f];
    }

    [Test]
    public void DecodesCentreSizeAndScoreOnANonSquareGrid()
    {
        // Input 96 wide, 64 high; grid 3 wide, 4 high: stride 32 across, 16 down (a transposed grid would show).
        var head = new YoloHeadSpec(0, [(10f, 20f), (30f, 12f)], Classes, 0.7);
        var data = Background(2, 2, 4, 3);
        Set(data, 1, 1, 2, 1, 2, 4, 3, 0.3f, -0.4f, 0.2f, -0.1f, 1.5f, -20, -20, 2.5f, -20, -20);
        using var raw = torch.tensor(data, 2, 2 * PerAnchor, 4, 3);

        var detections = YoloDecoder.Decode([raw], [head], 96, 64, ["first", "second"]);

        Assert.That(detections, Has.Count.EqualTo(1));
        var d = detections[0];
        var cx = (Sigmoid(0.3) + 1) * 32;
        var cy = (Sigmoid(-0.4) + 2) * 16;
        var w = Math.Exp(0.2) * 30;
        var h = Math.Exp(-0.1) * 12;
        Assert.That(d.ImageId, Is.EqualTo("second"));
        Assert.That(d.Box.Class, Is.EqualTo(CommonClass.Cycle));
        Assert.That(d.Score, Is.EqualTo(Sigmoid(1.5) * Sigmoid(2.5)).Within(1e-6));
        Assert.That(new[] { d.Box.X1, d.Box.Y1, d.Box.X2, d.Box.Y2 },
            Is.EqualTo(new[] { cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2 }).Within(1e-4));
    }

    [Test]
    public void BoxesAreClippedToTheInput()
    {
        var head = new YoloHeadSpec(0, [(100f, 100f)], Classes, 0.7);
        var data = Background(1, 1, 2, 2);
        Set(data, 0, 0, 0, 0, 1, 2, 2, 0, 0, 0, 0, 5, 5); // centre (16, 16), 100 × 100
        using var raw = torch.tensor(data, 1, PerAnchor, 2, 2);
        var d = YoloDecoder.Decode([raw], [head], 64, 64, ["a"]).Single();
        Assert.That(new[] { d.Box.X1, d.Box.Y1, d.Box.X2, d.Box.Y2 }, Is.EqualTo(new[] { 0f, 0f, 64f, 64f }));
    }

    /// <summary>
    /// Two neighbouring cells of a 2 × 2 grid (stride 32) predicting 40 × 40 boxes with centres pulled together:
    /// sigmoid(2) · 32 ≈ 28.19 and (1 + sigmoid(−2)) · 32 ≈ 35.81, so the boxes overlap by 32.38 of 40 across:
    /// IoU ≈ 32.38 / 47.62 ≈ 0.68.
    /// </summary>
    private static Tensor TwoOverlappingBoxes(int secondClass)
    {
        var data = Background(1, 1, 2, 2);
        var first = new float[] { 2, 0, 0, 0, 3, -20, -20, -20, -20, -20 };
        first[5] = 2;
        var second = new float[] { -2, 0, 0, 0, 3, -20, -20, -20, -20, -20 };
        second[5 + secondClass] = 1;
        Set(data, 0, 0, 0, 0, 1, 2, 2, first);
        Set(data, 0, 0, 0, 1, 1, 2, 2, second);
        return torch.tensor(data, 1, PerAnchor, 2, 2);
    }

    [Test]
    public void NmsDropsTheWeakerOverlappingBoxOfTheSameClass()
    {
        var head = new YoloHeadSpec(0, [(40f, 40f)], Classes, 0.7);
        using var raw = TwoOverlappingBoxes(secondClass: 0);
        var kept = YoloDecoder.Decode([raw], [head], 64, 64, ["a"]);
        Assert.That(kept, Has.Count.EqualTo(1));
        Assert.That(kept[0].Score, Is.EqualTo(Sigmoid(3) * Sigmoid(2)).Within(1e-6));
    }

    [Test]
    public void NmsThresholdIsConfigurable()
    {
        var head = new YoloHeadSpec(0, [(40f, 40f)], Classes, 0.7);
        using var raw = TwoOverlappingBoxes(secondClass: 0);
        // IoU ≈ 0.68: suppressed at 0.5 and 0.6, kept at 0.7.
        Assert.That(YoloDecoder.Decode([raw], [head], 64, 64, ["a"], new DecodeOptions(NmsIouThreshold: 0.6)), Has.Count.EqualTo(1));
        Assert.That(YoloDecoder.Decode([raw], [head], 64, 64, ["a"], new DecodeOptions(NmsIouThreshold: 0.7)), Has.Count.EqualTo(2));
    }

    [Test]
    public void NmsKeepsOverlappingBoxesOfDifferentClasses()
    {
        var head = new YoloHeadSpec(0, [(40f, 40f)], Classes, 0.7);
        using var raw = TwoOverlappingBoxes(secondClass: 3);
        var kept = YoloDecoder.Decode([raw], [head], 64, 64, ["a"]);
        Assert.That(kept.Select(d => d.Box.Class), Is.EquivalentTo(new[] { CommonClass.Car, CommonClass.Truck }));
    }

    [Test]
    public void NmsNeverSuppressesAcrossImages()
    {
        var head = new YoloHeadSpec(0, [(40f, 40f)], Classes, 0.7);
        var data = Background(2, 1, 2, 2);
        Set(data, 0, 0, 0, 0, 1, 2, 2, 0, 0, 0, 0, 3, 2);
        Set(data, 1, 0, 0, 0, 1, 2, 2, 0, 0, 0, 0, 3, 1);
        using var raw = torch.tensor(data, 2, PerAnchor, 2, 2);
        var kept = YoloDecoder.Decode([raw], [head], 64, 64, ["a", "b"]);
        Assert.That(kept.Select(d => d.ImageId), Is.EquivalentTo(new[] { "a", "b" }));
    }

    [Test]
    public void ConfidenceThresholdAppliesToObjectnessTimesClass()
    {
        var head = new YoloHeadSpec(0, [(40f, 40f)], Classes, 0.7);
        var data = Background(1, 1, 2, 2);
        // sigmoid(0) · sigmoid(0) = 0.25 for car; sigmoid(0) · sigmoid(−3) ≈ 0.0237 for person.
        Set(data, 0, 0, 1, 1, 1, 2, 2, 0, 0, 0, 0, 0, 0, -3, -20, -20, -20);
        using var raw = torch.tensor(data, 1, PerAnchor, 2, 2);
        Assert.That(YoloDecoder.Decode([raw], [head], 64, 64, ["a"], new DecodeOptions(0.001)), Has.Count.EqualTo(2));
        Assert.That(YoloDecoder.Decode([raw], [head], 64, 64, ["a"], new DecodeOptions(0.1)).Single().Box.Class, Is.EqualTo(CommonClass.Car));
        Assert.That(YoloDecoder.Decode([raw], [head], 64, 64, ["a"], new DecodeOptions(0.3)), Is.Empty);
    }

    [Test]
    public void AWronglyShapedOutputNamesTheHead()
    {
        var head = new YoloHeadSpec(94, [(40f, 40f)], Classes, 0.7);
        using var raw = torch.zeros([1, 11, 2, 2]);
        var e = Assert.Throws<ArgumentException>(() => YoloDecoder.Decode([raw], [head], 64, 64, ["a"]))!;
        Assert.That(e.Message, Does.Contain("layer 94").And.Contain("[1, 11, 2, 2]"));
    }
}
