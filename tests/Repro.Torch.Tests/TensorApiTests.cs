using Repro.Torch.IO;
using Repro.Torch.NN;

namespace Repro.Torch.Tests;

public class TensorApiTests
{
    [Test]
    public void CreationDtypesAndRoundTripThroughArrays()
    {
        using var scope = torch.NewDisposeScope();
        Assert.That(torch.zeros([2, 3]).ToArray<float>(), Is.All.EqualTo(0f));
        Assert.That(torch.ones([4], torch.float64).ToArray<double>(), Is.All.EqualTo(1.0));
        Assert.That(torch.full([2], 7, torch.int64).ToArray<long>(), Is.EqualTo(new long[] { 7, 7 }));
        Assert.That(torch.arange(5).ToArray<long>(), Is.EqualTo(new long[] { 0, 1, 2, 3, 4 }));
        var t = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.That(t.shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(t.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(t.to(ScalarType.Float64).ToArray<double>(), Is.EqualTo(new double[] { 1, 2, 3, 4, 5, 6 }));
        Assert.That(t.to(ScalarType.Byte).ToArray<byte>(), Is.EqualTo(new byte[] { 1, 2, 3, 4, 5, 6 }));
        Assert.That(t.gt(3).ToArray<bool>(), Is.EqualTo(new[] { false, false, false, true, true, true }));
        Assert.That(t.device, Is.EqualTo(Device.CPU));
        Assert.Throws<InvalidOperationException>(() => t.ToArray<double>());
        Assert.Throws<ArgumentException>(() => torch.tensor(new float[] { 1, 2, 3 }, 2, 2));
    }

    [Test]
    public void ChannelsLastChangesTheStridesNotTheValues()
    {
        using var scope = torch.NewDisposeScope();
        var nchw = torch.arange(2 * 3 * 2 * 2).to(ScalarType.Float32).view(2, 3, 2, 2);
        var nhwc = nchw.contiguous(MemoryFormat.ChannelsLast);
        Assert.That(nhwc.shape, Is.EqualTo(nchw.shape));
        Assert.That(nhwc.is_contiguous(MemoryFormat.ChannelsLast) && !nhwc.is_contiguous());
        Assert.That(nhwc.equal(nchw));
        // In memory the channels are innermost: the first pixel's three channels, then the next pixel's.
        using var raw = nhwc.permute(0, 2, 3, 1).contiguous();
        Assert.That(raw.ToArray<float>().Take(6), Is.EqualTo(new float[] { 0, 4, 8, 1, 5, 9 }));
        Assert.That(nhwc.view(2, 3, 4).is_contiguous(), Is.False, "a view keeps the strides");
        Assert.That(nhwc.contiguous().ToArray<float>(), Is.EqualTo(nchw.ToArray<float>()));
        Assert.Throws<TorchException>(() => torch.zeros([2, 3]).contiguous(MemoryFormat.ChannelsLast), "channels-last needs 4 dimensions");
    }

    [Test]
    public void ArithmeticReductionsShapeAndIndexing()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.That(((a + 1) * 2 - a / 2).ToArray<double>(), Is.EqualTo(new[] { 3.5, 5, 6.5, 8, 9.5, 11 }));
        Assert.That(a.sum().item(), Is.EqualTo(21));
        Assert.That(a.mean(1).ToArray<double>(), Is.EqualTo(new double[] { 2, 5 }));
        Assert.That(a.max().item(), Is.EqualTo(6));
        Assert.That(a.argmax(1).ToArray<long>(), Is.EqualTo(new long[] { 2, 2 }));
        Assert.That(a.t().contiguous().ToArray<double>(), Is.EqualTo(new double[] { 1, 4, 2, 5, 3, 6 }));
        Assert.That(a.slice(1, 1, 3).ToArray<double>(), Is.EqualTo(new double[] { 2, 3, 5, 6 }));
        Assert.That(a[1].ToArray<double>(), Is.EqualTo(new double[] { 4, 5, 6 }));
        Assert.That(a.index_select(1, torch.tensor(new long[] { 2, 0 })).ToArray<double>(), Is.EqualTo(new double[] { 3, 1, 6, 4 }));
        Assert.That(a.masked_select(a.gt(4)).ToArray<double>(), Is.EqualTo(new double[] { 5, 6 }));
        Assert.That(torch.where(a.gt(3), a, torch.zeros_like(a)).ToArray<double>(), Is.EqualTo(new double[] { 0, 0, 0, 4, 5, 6 }));
        Assert.That(torch.cat([a, a], 0).shape, Is.EqualTo(new long[] { 4, 3 }));
        Assert.That(torch.stack([a, a], 0).shape, Is.EqualTo(new long[] { 2, 2, 3 }));
        Assert.That(a.index(torch.tensor(new long[] { 1, 0 }), torch.tensor(new long[] { 0, 2 })).ToArray<double>(), Is.EqualTo(new double[] { 4, 3 }));
        var (values, indices) = torch.tensor(new double[] { 3, 1, 2 }).sort(descending: true);
        Assert.That(values.ToArray<double>(), Is.EqualTo(new double[] { 3, 2, 1 }));
        Assert.That(indices.ToArray<long>(), Is.EqualTo(new long[] { 0, 2, 1 }));
    }

    [Test]
    public void DisposeScopeFreesWhatWasCreatedInsideButNotWhatWasMovedOut()
    {
        Tensor kept, dropped;
        using (var scope = torch.NewDisposeScope())
        {
            dropped = torch.ones([3]);
            kept = (dropped * 2).MoveToOuterDisposeScope();
            Assert.That(scope.Count, Is.EqualTo(1));
        }
        Assert.That(dropped.IsDisposed, Is.True);
        Assert.That(kept.IsDisposed, Is.False);
        Assert.That(kept.ToArray<float>(), Is.All.EqualTo(2f));
        kept.Dispose();
    }

    [Test]
    public void GeneratorsAreDeterministicPerSeed()
    {
        using var scope = torch.NewDisposeScope();
        using var g1 = new Generator(42);
        using var g2 = new Generator(42);
        using var g3 = new Generator(43);
        var a = torch.randn([100], g1).ToArray<float>();
        Assert.That(torch.randn([100], g2).ToArray<float>(), Is.EqualTo(a));
        Assert.That(torch.randn([100], g3).ToArray<float>(), Is.Not.EqualTo(a));
    }

    [Test]
    public void NoGradStopsRecordingAndRestoresTheMode()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.ones([2]).requires_grad_();
        using (torch.no_grad())
        {
            Assert.That(torch.is_grad_enabled(), Is.False);
            Assert.That((x * 2).requires_grad, Is.False);
        }
        Assert.That(torch.is_grad_enabled(), Is.True);
        Assert.That((x * 2).requires_grad, Is.True);
    }

    [Test]
    public void NmsKeepsTheBestOfOverlappingBoxesPerCategory()
    {
        using var scope = torch.NewDisposeScope();
        var boxes = torch.tensor(new float[]
        {
            0, 0, 10, 10,     // 0: best
            1, 1, 11, 11,     // 1: IoU 81/119 = 0.68 with 0 → suppressed
            20, 20, 30, 30,   // 2: far away → kept
            0, 0, 10, 10,     // 3: same place as 0 but another category → kept by batched_nms
        }, 4, 4);
        var scores = torch.tensor(new float[] { 0.9f, 0.8f, 0.7f, 0.6f });
        Assert.That(functional.nms(boxes, scores, 0.5).ToArray<long>(), Is.EqualTo(new long[] { 0, 2 }));
        Assert.That(functional.nms(boxes, scores, 0.7).ToArray<long>(), Is.EqualTo(new long[] { 0, 1, 2 }));
        var categories = torch.tensor(new long[] { 0, 0, 0, 1 });
        Assert.That(functional.batched_nms(boxes, scores, categories, 0.5).ToArray<long>(), Is.EqualTo(new long[] { 0, 2, 3 }));
    }

    [Test]
    public void TensorFileRoundTripsExactlyAndNamesTheBrokenTensor()
    {
        var path = Path.Combine(Path.GetTempPath(), $"repro-{Guid.NewGuid():N}.tensors");
        try
        {
            using var scope = torch.NewDisposeScope();
            using var g = new Generator(1);
            var original = new Dictionary<string, Tensor>
            {
                ["conv.weight"] = torch.randn([2, 3, 3, 3], g),
                ["step"] = torch.tensor(new long[] { 17 }),
                ["mask"] = torch.tensor(new[] { true, false }),
                ["gram"] = torch.randn([4, 4], g, torch.float64),
            };
            TensorFile.Save(path, original);
            var loaded = TensorFile.Load(path);
            Assert.That(loaded.Keys, Is.EqualTo(original.Keys));
            foreach (var (name, t) in original) Assert.That(loaded[name].equal(t), Is.True, name);
            foreach (var t in loaded.Values) t.Dispose();

            var bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes[..(bytes.Length - 10)]);
            var e = Assert.Throws<InvalidDataException>(() => TensorFile.Load(path))!;
            Assert.That(e.Message, Does.Contain(path).And.Contain("'gram'").And.Contain("truncated"));
        }
        finally { File.Delete(path); }
    }

    [Test]
    public void PngRoundTripIsExactAndCorruptImagesAreNamed()
    {
        using var scope = torch.NewDisposeScope();
        using var g = new Generator(3);
        var image = (torch.rand([5, 7, 3], g) * 255).to(ScalarType.Byte);
        var png = Image.Encode(image, ".png");
        Assert.That(Image.Decode(png).equal(image), Is.True);
        var resized = Image.Resize(image, 10, 14, Interpolation.Nearest);
        Assert.That(resized.shape, Is.EqualTo(new long[] { 10, 14, 3 }));

        var path = Path.Combine(Path.GetTempPath(), $"repro-{Guid.NewGuid():N}.jpg");
        try
        {
            File.WriteAllBytes(path, png[..20]);
            var e = Assert.Throws<InvalidDataException>(() => Image.Read(path))!;
            Assert.That(e.Message, Does.Contain(path));
        }
        finally { File.Delete(path); }
    }
}
