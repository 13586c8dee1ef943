using Repro.Data;
using Repro.Data.Loading;
using Repro.Torch;

namespace Repro.Tests.Data;

public class LetterboxTests
{
    [Test]
    public void BddFrameInto416()
    {
        var t = LetterboxTransform.For(1280, 720, 416);
        Assert.That((t.ResizedWidth, t.ResizedHeight, t.OffsetX, t.OffsetY), Is.EqualTo((416, 234, 0, 91)));
        var b = t.Forward(new BoundingBox(CommonClass.Bus, 640, 360, 1280, 720));
        Assert.That(b.X1, Is.EqualTo(208).Within(1e-4));
        Assert.That(b.Y1, Is.EqualTo(91 + 117).Within(1e-4));
        Assert.That(b.X2, Is.EqualTo(416).Within(1e-4));
        Assert.That(b.Y2, Is.EqualTo(91 + 234).Within(1e-4));
        Assert.That(b.Class, Is.EqualTo(CommonClass.Bus));
    }

    [TestCase(1280, 720, 416)]
    [TestCase(1920, 1080, 32)]
    [TestCase(320, 180, 64)]
    [TestCase(100, 300, 128)]
    [TestCase(77, 77, 416)]
    public void InverseUndoesForward(int w, int h, int size)
    {
        var t = LetterboxTransform.For(w, h, size);
        var rng = new Random(w * 31 + size);
        for (var i = 0; i < 200; i++)
        {
            var x1 = rng.NextDouble() * w;
            var y1 = rng.NextDouble() * h;
            var box = new BoundingBox(CommonClass.Car, (float)x1, (float)y1, (float)(x1 + rng.NextDouble() * (w - x1)), (float)(y1 + rng.NextDouble() * (h - y1)));
            var back = t.Inverse(t.Forward(box));
            var tolerance = 1e-4 * Math.Max(w, h);
            Assert.That(back.X1, Is.EqualTo(box.X1).Within(tolerance));
            Assert.That(back.Y1, Is.EqualTo(box.Y1).Within(tolerance));
            Assert.That(back.X2, Is.EqualTo(box.X2).Within(tolerance));
            Assert.That(back.Y2, Is.EqualTo(box.Y2).Within(tolerance));
            // The forward box lies inside the resized image, within the square.
            var f = t.Forward(box);
            Assert.That(f.X1, Is.GreaterThanOrEqualTo(t.OffsetX - 1e-3).And.LessThanOrEqualTo(t.OffsetX + t.ResizedWidth + 1e-3));
            Assert.That(f.Y2, Is.LessThanOrEqualTo(t.OffsetY + t.ResizedHeight + 1e-3));
        }
    }

    [Test]
    public void InverseClipsDetectionsReachingIntoThePadding()
    {
        var t = LetterboxTransform.For(200, 100, 100);
        var back = t.Inverse(new BoundingBox(CommonClass.Car, -5, 0, 50, 100));
        Assert.That((back.X1, back.Y1, back.X2, back.Y2), Is.EqualTo((0f, 0f, 100f, 100f)));
    }

    [Test]
    public void PixelsFollowTheBoxesAndPaddingIsGrey()
    {
        // A 60 x 30 grey-blue image with a red block at x 20..40, y 10..20: letterboxed to 30 it is scaled by 1/2
        // and centred vertically (offset 7 or 8 rows). Inside the moved box, away from its edges, pixels are red.
        using var dir = new TempDirectory();
        var path = DataFixtures.WriteImage(Path.Combine(dir.Path, "block.png"), 60, 30,
            (x, y) => x is >= 20 and < 40 && y is >= 10 and < 20 ? ((byte)255, (byte)0, (byte)0) : ((byte)40, (byte)80, (byte)160));
        using var input = Letterbox.Load(path, 30, out var t);
        Assert.That(input.shape, Is.EqualTo(new long[] { 1, 3, 30, 30 }));
        var v = input.ToArray<float>();
        float At(int c, int y, int x) => v[c * 900 + y * 30 + x];
        var box = t.Forward(new BoundingBox(CommonClass.Car, 20, 10, 40, 20));
        Assert.That((box.X1, box.Y1, box.X2, box.Y2), Is.EqualTo((10f, 5f + t.OffsetY, 20f, 10f + t.OffsetY)));
        for (var y = (int)box.Y1 + 1; y < (int)box.Y2 - 1; y++)
            for (var x = (int)box.X1 + 1; x < (int)box.X2 - 1; x++)
            {
                Assert.That(At(0, y, x), Is.EqualTo(1f).Within(1e-6));
                Assert.That(At(1, y, x), Is.EqualTo(0f).Within(1e-6));
            }
        Assert.That(At(2, t.OffsetY + 1, 2), Is.EqualTo(160f / 255f).Within(1e-6), "background keeps its value");
        for (var x = 0; x < 30; x++)
        {
            Assert.That(At(0, 0, x), Is.EqualTo(Letterbox.PadValue), "top padding");
            Assert.That(At(2, 29, x), Is.EqualTo(Letterbox.PadValue), "bottom padding");
        }
    }
}

public class AugmentationTests
{
    [Test]
    public void PixelsAndBoxesMoveTogetherUnderScaleShiftAndMirror()
    {
        // A red block on blue: under every drawn placement, the pixels inside the moved box (away from its edges) are red.
        using var dir = new TempDirectory();
        var path = DataFixtures.WriteImage(Path.Combine(dir.Path, "block.png"), 96, 54,
            (x, y) => x is >= 10 and < 40 && y is >= 20 and < 44 ? ((byte)255, (byte)0, (byte)0) : ((byte)0, (byte)0, (byte)255));
        var augmentation = new Augmentation { Scale = 1.5, Colour = 0 };
        var source = new BoundingBox(CommonClass.Car, 10, 20, 40, 44);
        var (mirrored, cropped) = (0, 0);
        for (var image = 0; image < 40; image++)
        {
            var t = augmentation.Placement(96, 54, 64, seed: 5, epoch: 1, image);
            Assert.That(augmentation.Placement(96, 54, 64, seed: 5, epoch: 1, image), Is.EqualTo(t), "a function of (seed, epoch, image)");
            var chw = new float[3 * 64 * 64];
            using (var rgb = Image.Read(path)) Letterbox.Apply(rgb, t, chw);
            mirrored += t.Mirrored ? 1 : 0;
            cropped += t.OffsetX < 0 || t.OffsetY < 0 || t.OffsetX + t.ResizedWidth > 64 ? 1 : 0;
            if (t.ForwardClipped(source) is not { } box) continue;
            for (var y = (int)Math.Ceiling(box.Y1) + 1; y < (int)box.Y2 - 1; y++)
                for (var x = (int)Math.Ceiling(box.X1) + 1; x < (int)box.X2 - 1; x++)
                    Assert.That((chw[y * 64 + x], chw[2 * 4096 + y * 64 + x]), Is.EqualTo((1f, 0f)), $"image {image} ({t}), pixel {x},{y}");
        }
        Assert.That(mirrored, Is.InRange(8, 32), "about half mirrored");
        Assert.That(cropped, Is.GreaterThan(0), "some placements crop");
    }

    [Test]
    public void ClippingDropsBoxesMostlyCutAway()
    {
        var t = new LetterboxTransform(100, 100, 100, 100, 100, -50, 0);
        Assert.That(t.ForwardClipped(new BoundingBox(CommonClass.Car, 0, 0, 40, 40)), Is.Null, "entirely outside");
        Assert.That(t.ForwardClipped(new BoundingBox(CommonClass.Car, 40, 0, 60, 20)), Is.Not.Null, "half inside");
        Assert.That(t.ForwardClipped(new BoundingBox(CommonClass.Car, 40, 0, 60, 20))!.Value.X1, Is.EqualTo(0f));
        Assert.That(t.ForwardClipped(new BoundingBox(CommonClass.Car, 30, 0, 60, 20)), Is.Null, "a third inside");
    }

    [Test]
    public void ColourJitterStaysInRangeAndLeavesGreyGreyUnderSaturation()
    {
        var augmentation = new Augmentation { Colour = 0.4 };
        var chw = Enumerable.Range(0, 3 * 64).Select(i => (i % 64) / 63f).ToArray();
        augmentation.Recolour(chw, seed: 1, epoch: 2, image: 3);
        Assert.That(chw, Is.All.InRange(0f, 1f));
        for (var i = 0; i < 64; i++)
            Assert.That(chw[i], Is.EqualTo(chw[64 + i]).Within(1e-5).And.EqualTo(chw[128 + i]).Within(1e-5), "grey in, grey out");
    }
}
