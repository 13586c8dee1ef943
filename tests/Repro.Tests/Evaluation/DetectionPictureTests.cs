using Repro.Data;
using Repro.Evaluation;
using Repro.Torch;

namespace Repro.Tests.Evaluation;

public class DetectionPictureTests
{
    [Test]
    public void OutlinesTruthInGreenAndConfidentDetectionsInRedLeavingTheRestAlone()
    {
        using var image = torch.full([3, 20, 30], 0.5);
        var truth = new[] { new BoundingBox(CommonClass.Car, 2, 3, 10, 12) };
        var detections = new[]
        {
            new Detection("a", new BoundingBox(CommonClass.Car, 15, 5, 25, 15), 1f),
            new Detection("a", new BoundingBox(CommonClass.Bus, 0, 0, 30, 20), 0.1f), // below the score: not drawn
        };
        using var picture = DetectionPicture.Draw(image, truth, detections);
        Assert.That(picture.shape, Is.EqualTo(new long[] { 20, 30, 3 }));
        var p = picture.ToArray<byte>();
        byte[] At(int x, int y) => p.AsSpan((y * 30 + x) * 3, 3).ToArray();
        Assert.That(At(2, 3), Is.EqualTo(new byte[] { 40, 220, 60 }), "truth corner");
        Assert.That(At(9, 11), Is.EqualTo(new byte[] { 40, 220, 60 }), "truth far corner (x2, y2 exclusive)");
        Assert.That(At(15, 10), Is.EqualTo(new byte[] { 235, 40, 40 }), "detection edge at score 1");
        Assert.That(At(5, 7), Is.EqualTo(new byte[] { 128, 128, 128 }), "inside a box");
        Assert.That(At(0, 0), Is.EqualTo(new byte[] { 128, 128, 128 }), "a low-score detection is not drawn");
    }
}
