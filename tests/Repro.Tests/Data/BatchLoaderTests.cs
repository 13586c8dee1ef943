using Repro.Data;
using Repro.Data.Loading;
using Repro.Data.Reading;
using Repro.Torch;

namespace Repro.Tests.Data;

public class BatchLoaderTests
{
    private TempDirectory dir = null!;
    private List<LabeledImage> images = null!;

    [SetUp]
    public void WriteImages()
    {
        dir = new TempDirectory();
        images = [];
        for (var i = 0; i < 10; i++)
        {
            var (w, h) = (12 + i, 8 + (i * 3) % 7);
            var path = DataFixtures.WriteImage(Path.Combine(dir.Path, $"i{i}.png"), w, h, (x, y) => ((byte)(20 * i), (byte)(x * 10), (byte)(y * 10)));
            images.Add(new LabeledImage($"i{i}", path, w, h, [new BoundingBox((CommonClass)(i % 5), 1, 1, w - 1, h - 2)]));
        }
    }

    [TearDown]
    public void Remove() => dir.Dispose();

    [Test]
    public void OrderIsAFunctionOfSeedAndEpoch()
    {
        var a = new BatchLoader(images, new BatchLoaderOptions { Seed = 5 });
        var b = new BatchLoader(images, new BatchLoaderOptions { Seed = 5 });
        Assert.That(b.Order(3), Is.EqualTo(a.Order(3)), "a resumed run sees the same order");
        Assert.That(a.Order(3), Is.EquivalentTo(Enumerable.Range(0, 10)));
        Assert.That(a.Order(4), Is.Not.EqualTo(a.Order(3)));
        Assert.That(new BatchLoader(images, new BatchLoaderOptions { Seed = 6 }).Order(3), Is.Not.EqualTo(a.Order(3)));
        Assert.That(new BatchLoader(images, new BatchLoaderOptions { Shuffle = false }).Order(3), Is.EqualTo(Enumerable.Range(0, 10)));
    }

    [Test]
    public void BatchesHoldLetterboxedImagesAndMovedBoxesInEpochOrder()
    {
        var loader = new BatchLoader(images, new BatchLoaderOptions { Seed = 1, BatchSize = 4, ImageSize = 16, Workers = 2 });
        var order = loader.Order(2);
        var seen = new List<int>();
        var sizes = new List<int>();
        foreach (var batch in loader.Epoch(2))
            using (batch)
            {
                sizes.Add(batch.Count);
                Assert.That(batch.Images.shape, Is.EqualTo(new long[] { batch.Count, 3, 16, 16 }));
                var pixels = batch.Images.ToArray<float>();
                for (var k = 0; k < batch.Count; k++)
                {
                    var source = batch.Sources[k];
                    seen.Add(images.IndexOf(source));
                    using var single = Letterbox.Load(source.ImagePath, 16, out var t);
                    Assert.That(pixels.AsSpan(k * 768, 768).ToArray(), Is.EqualTo(single.ToArray<float>()));
                    Assert.That(batch.Transforms[k], Is.EqualTo(t));
                    Assert.That(batch.Boxes[k], Is.EqualTo(source.Boxes.Select(t.Forward)));
                }
                using var targets = batch.Targets();
                Assert.That(targets.shape, Is.EqualTo(new long[] { batch.Count, 6 }));
            }
        Assert.That(seen, Is.EqualTo(order));
        Assert.That(sizes, Is.EqualTo(new[] { 4, 4, 2 }));
        Assert.That(new BatchLoader(images, loader.Options with { DropLast = true }).Epoch(0).Select(b => { b.Dispose(); return b.Count; }), Is.EqualTo(new[] { 4, 4 }));
    }

    [Test]
    public void StoppingEarlyEndsTheProducer()
    {
        var loader = new BatchLoader(images, new BatchLoaderOptions { BatchSize = 1, ImageSize = 8, Prefetch = 1 });
        using var first = loader.Epoch(0).First();
        Assert.That(first.Count, Is.EqualTo(1));
    }

    [Test]
    public void ACorruptImageStopsTheEpochNamingTheFile()
    {
        var bytes = File.ReadAllBytes(images[3].ImagePath);
        File.WriteAllBytes(images[3].ImagePath, bytes[..(bytes.Length / 3)]);
        var loader = new BatchLoader(images, new BatchLoaderOptions { BatchSize = 3, ImageSize = 8 });
        var e = Assert.Throws<InvalidDataException>(() =>
        {
            foreach (var b in loader.Epoch(0)) b.Dispose();
        });
        Assert.That(e!.Message, Does.Contain("i3.png"));
    }
}
