using Repro.Data;
using Repro.Models;
using Repro.Torch;
using Repro.Training;

namespace Repro.Tests.Training;

/// <summary>
/// The loss against a float64 reference written with plain loops, its gradient pattern (which raw elements get a
/// gradient and which must not), and central finite differences.
/// </summary>
public class YoloLossTests
{
    private const int Classes = 3;
    private const int PerAnchor = 5 + Classes;
    private const int Input = 32;

    // Head 0: 4 × 4 grid (stride 8), anchors 8² and 16²; head 1: 2 × 2 grid (stride 16), anchors 24² and 40².
    private static readonly YoloHeadSpec[] Heads =
    [
        new(0, [(8f, 8f), (16f, 16f)], Classes, 0.7),
        new(1, [(24f, 24f), (40f, 40f)], Classes, 0.7),
    ];
    private static readonly int[] Grid = [4, 2];

    // Image 0: a car 8 × 8 centred (6, 6) → head 0 anchor 0 cell (0, 0); a person 16 × 20 centred (20, 14):
    //   16·16/320 = 0.8 against 16², 320/576 against 24² → head 0 anchor 1 cell (2, 1).
    // Image 1: a cycle 32 × 32 centred (16, 16): 1024/1600 = 0.64 against 40², 576/1024 against 24² → head 1
    //   anchor 1 cell (1, 1).
    private static readonly BoundingBox[][] Targets =
    [
        [new(CommonClass.Car, 2, 2, 10, 10), new(CommonClass.Person, 12, 4, 28, 24)],
        [new(CommonClass.Cycle, 0, 0, 32, 32)],
    ];

    private static readonly (int Image, int Head, int Anchor, int X, int Y, int Truth)[] Assigned =
        [(0, 0, 0, 0, 0, 0), (0, 0, 1, 2, 1, 1), (1, 1, 1, 1, 1, 0)];

    private static int Offset(int head, int b, int a, int field, int y, int x)
    {
        var g = Grid[head];
        return (((b * 2 + a) * PerAnchor + field) * g + y) * g + x;
    }

    /// <summary>Random raw outputs (float64), with one unassigned predictor placed exactly on the car so it is ignored.</summary>
    private static double[][] RawOutputs()
    {
        var random = new Random(11);
        var raw = Grid.Select(g => Enumerable.Range(0, 2 * 2 * PerAnchor * g * g).Select(_ => random.NextDouble() * 1.6 - 0.8).ToArray()).ToArray();
        // Head 0, anchor 1 (16²), cell (0, 0) → box (2, 2, 10, 10): sigmoid(tx) = 0.75 → tx = ln 3; tw = ln(8/16).
        raw[0][Offset(0, 0, 1, 0, 0, 0)] = Math.Log(3);
        raw[0][Offset(0, 0, 1, 1, 0, 0)] = Math.Log(3);
        raw[0][Offset(0, 0, 1, 2, 0, 0)] = Math.Log(0.5);
        raw[0][Offset(0, 0, 1, 3, 0, 0)] = Math.Log(0.5);
        return raw;
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
    private static double Bce(double logit, double target) => Math.Max(logit, 0) - logit * target + Math.Log(1 + Math.Exp(-Math.Abs(logit)));

    private static double Iou(double[] a, BoundingBox b)
    {
        var iw = Math.Min(a[2], b.X2) - Math.Max(a[0], b.X1);
        var ih = Math.Min(a[3], b.Y2) - Math.Max(a[1], b.Y1);
        if (iw <= 0 || ih <= 0) return 0;
        var inter = iw * ih;
        return inter / ((a[2] - a[0]) * (a[3] - a[1]) + b.Width * b.Height - inter);
    }

    /// <summary>Decoded box of one predictor, by the YOLOv3 formulas.</summary>
    private static double[] Decode(double[][] raw, int head, int b, int a, int y, int x)
    {
        var stride = (double)Input / Grid[head];
        var cx = (Sigmoid(raw[head][Offset(head, b, a, 0, y, x)]) + x) * stride;
        var cy = (Sigmoid(raw[head][Offset(head, b, a, 1, y, x)]) + y) * stride;
        var w = Math.Exp(raw[head][Offset(head, b, a, 2, y, x)]) * Heads[head].Anchors[a].Width;
        var h = Math.Exp(raw[head][Offset(head, b, a, 3, y, x)]) * Heads[head].Anchors[a].Height;
        return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
    }

    private static bool IsAssigned(int head, int b, int a, int y, int x) =>
        Assigned.Any(p => p.Image == b && p.Head == head && p.Anchor == a && p.X == x && p.Y == y);

    private static bool IsIgnored(double[][] raw, int head, int b, int a, int y, int x) =>
        !IsAssigned(head, b, a, y, x) && Targets[b].Any(t => Iou(Decode(raw, head, b, a, y, x), t) > 0.7);

    /// <summary>The loss, written out: (box, objectness, class), each summed and divided by the batch size.</summary>
    private static (double Box, double Objectness, double Class) Reference(double[][] raw)
    {
        double box = 0, obj = 0, cls = 0;
        for (var head = 0; head < 2; head++)
            for (var b = 0; b < 2; b++)
                for (var a = 0; a < 2; a++)
                    for (var y = 0; y < Grid[head]; y++)
                        for (var x = 0; x < Grid[head]; x++)
                        {
                            var logit = raw[head][Offset(head, b, a, 4, y, x)];
                            if (IsAssigned(head, b, a, y, x)) obj += Bce(logit, 1);
                            else if (!IsIgnored(raw, head, b, a, y, x)) obj += Bce(logit, 0);
                        }
        foreach (var (image, head, a, x, y, truth) in Assigned)
        {
            var t = Targets[image][truth];
            var stride = (double)Input / Grid[head];
            var (cx, cy) = ((t.X1 + t.X2) / 2.0, (t.Y1 + t.Y2) / 2.0);
            double[] target = [cx / stride - x, cy / stride - y, Math.Log(t.Width / Heads[head].Anchors[a].Width), Math.Log(t.Height / Heads[head].Anchors[a].Height)];
            double[] predicted =
            [
                Sigmoid(raw[head][Offset(head, image, a, 0, y, x)]), Sigmoid(raw[head][Offset(head, image, a, 1, y, x)]),
                raw[head][Offset(head, image, a, 2, y, x)], raw[head][Offset(head, image, a, 3, y, x)],
            ];
            var weight = 2 - t.Width * t.Height / (double)(Input * Input);
            for (var k = 0; k < 4; k++) box += weight * (predicted[k] - target[k]) * (predicted[k] - target[k]);
            for (var c = 0; c < Classes; c++) cls += Bce(raw[head][Offset(head, image, a, 5 + c, y, x)], (int)t.Class == c ? 1 : 0);
        }
        return (box / 2, obj / 2, cls / 2);
    }

    private static double[] Compute(double[][] raw, out double[][] gradients)
    {
        using var scope = torch.NewDisposeScope();
        var outputs = raw.Select((r, h) => torch.tensor(r, 2, 2 * PerAnchor, Grid[h], Grid[h]).requires_grad_()).ToArray();
        var loss = new YoloLoss(Heads).Compute(outputs, Targets, Input, Input);
        var values = loss.Values();
        loss.Total.backward();
        gradients = outputs.Select(o => o.grad!.ToArray<double>()).ToArray();
        return values;
    }

    [Test]
    public void ComponentsMatchAFloat64Reference()
    {
        var raw = RawOutputs();
        var (box, objectness, @class) = Reference(raw);
        var values = Compute(raw, out _);
        Assert.That(values[0], Is.EqualTo(box).Within(1e-10));
        Assert.That(values[1], Is.EqualTo(objectness).Within(1e-10));
        Assert.That(values[2], Is.EqualTo(@class).Within(1e-10));
        Assert.That(values[3], Is.EqualTo(box + objectness + @class).Within(1e-10));
        // The crafted predictor is really ignored, so the test exercises the ignore rule.
        Assert.That(IsIgnored(raw, 0, 0, 1, 0, 0), Is.True);
    }

    [Test]
    public void GradientReachesExactlyTheElementsThatShouldGetOne()
    {
        var raw = RawOutputs();
        Compute(raw, out var gradients);
        var checkedCount = 0;
        for (var head = 0; head < 2; head++)
            for (var b = 0; b < 2; b++)
                for (var a = 0; a < 2; a++)
                    for (var y = 0; y < Grid[head]; y++)
                        for (var x = 0; x < Grid[head]; x++)
                            for (var field = 0; field < PerAnchor; field++)
                            {
                                var positive = IsAssigned(head, b, a, y, x);
                                var shouldGet = field == 4 ? positive || !IsIgnored(raw, head, b, a, y, x) : positive;
                                var g = gradients[head][Offset(head, b, a, field, y, x)];
                                Assert.That(g != 0, Is.EqualTo(shouldGet), $"head {head} image {b} anchor {a} cell ({x}, {y}) field {field}: gradient {g}");
                                checkedCount++;
                            }
        Assert.That(checkedCount, Is.EqualTo(2 * 2 * PerAnchor * (16 + 4)));
    }

    [Test]
    public void GradientMatchesCentralFiniteDifferences()
    {
        var raw = RawOutputs();
        Compute(raw, out var gradients);
        (int Head, int B, int A, int Field, int Y, int X)[] probes =
        [
            (0, 0, 0, 0, 0, 0), (0, 0, 0, 2, 0, 0), (0, 0, 0, 4, 0, 0), (0, 0, 0, 5, 0, 0), // the car's predictor
            (0, 0, 1, 1, 1, 2), (0, 0, 1, 3, 1, 2), (0, 0, 1, 6, 1, 2),                     // the person's
            (1, 1, 1, 0, 1, 1), (1, 1, 1, 7, 1, 1),                                         // the cycle's
            (0, 1, 0, 4, 3, 2), (1, 0, 0, 4, 0, 1),                                         // background objectness
        ];
        const double h = 1e-6;
        foreach (var (head, b, a, field, y, x) in probes)
        {
            var at = Offset(head, b, a, field, y, x);
            var original = raw[head][at];
            raw[head][at] = original + h;
            var plus = Reference(raw);
            raw[head][at] = original - h;
            var minus = Reference(raw);
            raw[head][at] = original;
            var numeric = (plus.Box + plus.Objectness + plus.Class - minus.Box - minus.Objectness - minus.Class) / (2 * h);
            var analytic = gradients[head][at];
            Assert.That(analytic, Is.EqualTo(numeric).Within(1e-6 + 1e-5 * Math.Abs(numeric)), $"head {head} image {b} anchor {a} field {field} cell ({x}, {y})");
            Assert.That(analytic, Is.Not.EqualTo(0.0));
        }
    }

    [Test]
    public void FiniteDifferencesOfTheLibraryLossItselfAgree()
    {
        // Same check without the reference: perturb the library's own inputs.
        var raw = RawOutputs();
        Compute(raw, out var gradients);
        const double h = 1e-6;
        foreach (var (head, at) in new[] { (0, Offset(0, 0, 1, 2, 1, 2)), (1, Offset(1, 1, 1, 4, 1, 1)), (0, Offset(0, 1, 1, 4, 2, 3)) })
        {
            var original = raw[head][at];
            raw[head][at] = original + h;
            var plus = Compute(raw, out _)[3];
            raw[head][at] = original - h;
            var minus = Compute(raw, out _)[3];
            raw[head][at] = original;
            Assert.That(gradients[head][at], Is.EqualTo((plus - minus) / (2 * h)).Within(1e-6));
        }
    }

    [Test]
    public void AnImageWithoutBoxesOnlyPushesObjectnessDown()
    {
        using var scope = torch.NewDisposeScope();
        var raw = RawOutputs();
        var outputs = raw.Select((r, h) => torch.tensor(r, 2, 2 * PerAnchor, Grid[h], Grid[h]).requires_grad_()).ToArray();
        var loss = new YoloLoss(Heads).Compute(outputs, [[], []], Input, Input);
        var values = loss.Values();
        Assert.That(values[0], Is.EqualTo(0.0));
        Assert.That(values[2], Is.EqualTo(0.0));
        var expected = 0.0;
        for (var h = 0; h < 2; h++)
            for (var b = 0; b < 2; b++)
                for (var a = 0; a < 2; a++)
                    for (var y = 0; y < Grid[h]; y++)
                        for (var x = 0; x < Grid[h]; x++)
                            expected += Bce(raw[h][Offset(h, b, a, 4, y, x)], 0);
        Assert.That(values[1], Is.EqualTo(expected / 2).Within(1e-10));
    }

    [Test]
    public void BadTargetsNameTheImageAndTheBox()
    {
        using var scope = torch.NewDisposeScope();
        var outputs = Grid.Select(g => torch.zeros([2, 2 * PerAnchor, g, g], torch.float64)).ToArray();
        var loss = new YoloLoss(Heads);
        var e = Assert.Throws<ArgumentException>(() => loss.Compute(outputs, [[], [new BoundingBox(CommonClass.Car, 5, 5, 5, 9)]], Input, Input))!;
        Assert.That(e.Message, Does.Contain("box 0 of image 1").And.Contain("empty"));
        e = Assert.Throws<ArgumentException>(() => loss.Compute(outputs, [[new BoundingBox(CommonClass.Truck, 0, 0, 4, 4)], []], Input, Input))!;
        Assert.That(e.Message, Does.Contain("box 0 of image 0").And.Contain("class 3"));
        e = Assert.Throws<ArgumentException>(() => loss.Compute(outputs, [[new BoundingBox(CommonClass.Car, 40, 0, 60, 4)], []], Input, Input))!;
        Assert.That(e.Message, Does.Contain("outside"));
    }
}
