using Repro.Models.Darknet;
using Repro.Torch;

namespace Repro.Tests.Models;

public class DarknetWeightsTests
{
    private string dir = "";

    [SetUp]
    public void MakeDirectory() => Directory.CreateDirectory(dir = Path.Combine(Path.GetTempPath(), $"repro-weights-{Guid.NewGuid():N}"));

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(dir, recursive: true);

    [Test]
    public void RoundTripIsBitExact()
    {
        using var scope = torch.NewDisposeScope();
        using var source = ModelTestKit.TinyYolo(seed: 11);
        ModelTestKit.RandomiseBatchNormStatistics(source, 12);
        var path = Path.Combine(dir, "a.weights");
        DarknetWeights.Save(path, source, header: new DarknetWeightsHeader(0, 2, 0, 123_456_789_012));

        using var target = ModelTestKit.TinyYolo(seed: 13);
        var header = DarknetWeights.Load(path, target);
        Assert.That(header, Is.EqualTo(new DarknetWeightsHeader(0, 2, 0, 123_456_789_012)));
        var (a, b) = (ModelTestKit.Snapshot(source), ModelTestKit.Snapshot(target));
        Assert.That(b.Keys, Is.EquivalentTo(a.Keys));
        foreach (var name in a.Keys) Assert.That(b[name], Is.EqualTo(a[name]), name);

        var again = Path.Combine(dir, "b.weights");
        DarknetWeights.Save(again, target, header: header);
        Assert.That(File.ReadAllBytes(again), Is.EqualTo(File.ReadAllBytes(path)));
        Assert.That(Directory.GetFiles(dir), Has.Length.EqualTo(2), "no temporary files left behind");
    }

    [Test]
    public void ReadsDarknetsLayoutWrittenByHand()
    {
        using var scope = torch.NewDisposeScope();
        var cfg = CfgParser.Parse("""
            [net]
            width=4
            height=4
            channels=2
            [convolutional]
            batch_normalize=1
            filters=2
            size=1
            activation=leaky
            [convolutional]
            filters=3
            size=1
            activation=linear
            """, "hand.cfg");
        using var net = DarknetNetwork.Build(cfg, seed: 0);
        foreach (var (minor, seen) in new[] { (2, 5_000_000_000L), (1, 77L) })
        {
            var path = Path.Combine(dir, $"hand{minor}.weights");
            using (var w = new BinaryWriter(File.Create(path)))
            {
                w.Write(0);
                w.Write(minor);
                w.Write(0);
                if (minor >= 2) w.Write(seen);
                else w.Write((int)seen);
                for (var v = 1; v <= 21; v++) w.Write((float)v);
            }
            var header = DarknetWeights.Load(path, net);
            Assert.That(header.Seen, Is.EqualTo(seen));
            var s = net.state_dict();
            Assert.That(s["0.bn.bias"].ToArray<float>(), Is.EqualTo(new float[] { 1, 2 }), "beta first");
            Assert.That(s["0.bn.weight"].ToArray<float>(), Is.EqualTo(new float[] { 3, 4 }), "then gamma");
            Assert.That(s["0.bn.running_mean"].ToArray<float>(), Is.EqualTo(new float[] { 5, 6 }));
            Assert.That(s["0.bn.running_var"].ToArray<float>(), Is.EqualTo(new float[] { 7, 8 }));
            Assert.That(s["0.conv.weight"].ToArray<float>(), Is.EqualTo(new float[] { 9, 10, 11, 12 }), "kernel out × in");
            Assert.That(s["1.conv.bias"].ToArray<float>(), Is.EqualTo(new float[] { 13, 14, 15 }));
            Assert.That(s["1.conv.weight"].ToArray<float>(), Is.EqualTo(Enumerable.Range(16, 6).Select(v => (float)v)));
        }
    }

    [Test]
    public void CutoffLoadsTheBackboneAndLeavesLayers75OnUntouched()
    {
        using var scope = torch.NewDisposeScope();
        // The pre-training flow: a Darknet-53 classifier's layers 0–74 written as a darknet53.conv.74.
        using var classifier = DarknetNetwork.Build(BuiltinCfgs.Darknet53Classifier(new ModelOverrides(Classes: 3, Width: 0.125, Size: 64)), seed: 21);
        ModelTestKit.RandomiseBatchNormStatistics(classifier, 22);
        var backbone = Path.Combine(dir, "darknet53.conv.74");
        DarknetWeights.Save(backbone, classifier, DarknetWeights.BackboneCutoff);

        using var yolo = ModelTestKit.TinyYolo(seed: 23);
        var before = ModelTestKit.Snapshot(yolo);
        DarknetWeights.Load(backbone, yolo, DarknetWeights.BackboneCutoff);
        var after = ModelTestKit.Snapshot(yolo);
        var pretrained = ModelTestKit.Snapshot(classifier);
        foreach (var (name, value) in after)
        {
            if (ModelTestKit.LayerOf(name) <= 74) Assert.That(value, Is.EqualTo(pretrained[name]), name);
            else Assert.That(value, Is.EqualTo(before[name]), name);
        }
        Assert.That(after.Keys.Count(k => ModelTestKit.LayerOf(k) >= 75), Is.GreaterThan(0));
    }

    [Test]
    public void SizeMismatchGivesExpectedAndActualCountsAndChangesNothing()
    {
        using var scope = torch.NewDisposeScope();
        using var eighty = ModelTestKit.TinyYolo(seed: 31, classes: 80);
        var path = Path.Combine(dir, "yolov3-80.weights");
        DarknetWeights.Save(path, eighty);

        using var five = ModelTestKit.TinyYolo(seed: 32);
        var before = ModelTestKit.Snapshot(five);
        var e = Assert.Throws<InvalidDataException>(() => DarknetWeights.Load(path, five))!;
        var (expected, actual) = (DarknetWeights.FloatCount(five), DarknetWeights.FloatCount(eighty));
        Assert.That(e.Message, Does.Contain(path).And.Contain($"{expected:N0}").And.Contain($"{actual:N0}"));
        var after = ModelTestKit.Snapshot(five);
        foreach (var name in before.Keys) Assert.That(after[name], Is.EqualTo(before[name]), name);

        File.WriteAllBytes(path, new byte[10]);
        Assert.That(Assert.Throws<InvalidDataException>(() => DarknetWeights.Load(path, five))!.Message, Does.Contain("truncated header"));
    }

    [Test]
    public void TheOfficialDarknet53Conv74HasTheSizeTheCfgGivesAtWidthOne()
    {
        // pjreddie's darknet53.conv.74: a 20-byte header (0.2.0, 64-bit seen) and layers 0–74's floats.
        var cfg = BuiltinCfgs.YoloV3(new ModelOverrides(5, 1.0, 416));
        Assert.That(DarknetWeights.FloatCount(cfg), Is.EqualTo(40_620_640));
        Assert.That(20 + 4 * DarknetWeights.FloatCount(cfg), Is.EqualTo(162_482_580));
    }

    [Test]
    public void VerifyFromTheCfgAloneAgreesWithLoadAndNamesWhatIsWrong()
    {
        using var scope = torch.NewDisposeScope();
        using var network = ModelTestKit.TinyYolo(seed: 41);
        var cfg = BuiltinCfgs.YoloV3(new ModelOverrides(null, 0.125, 64));
        Assert.That(DarknetWeights.FloatCount(cfg), Is.EqualTo(DarknetWeights.FloatCount(network, DarknetWeights.BackboneCutoff)),
            "the shapes' count is the built network's");
        var path = Path.Combine(dir, "darknet53.conv.74");
        DarknetWeights.Save(path, network, DarknetWeights.BackboneCutoff);
        Assert.That(DarknetWeights.Verify(path, cfg), Is.EqualTo(DarknetWeightsHeader.Current));

        var wider = BuiltinCfgs.YoloV3(new ModelOverrides(null, 0.25, 64));
        var e = Assert.Throws<InvalidDataException>(() => DarknetWeights.Verify(path, wider))!;
        Assert.That(e.Message, Does.Contain(path).And.Contain("size mismatch").And.Contain($"{20 + 4 * DarknetWeights.FloatCount(wider):N0} bytes"));

        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^4]); // one float short: a download cut off
        Assert.That(Assert.Throws<InvalidDataException>(() => DarknetWeights.Verify(path, cfg))!.Message, Does.Contain("size mismatch"));
        Assert.That(Assert.Throws<FileNotFoundException>(() => DarknetWeights.Verify(Path.Combine(dir, "absent"), cfg))!.Message, Does.Contain("absent"));
    }
}
