using Repro.Models;
using Repro.Models.Darknet;

namespace Repro.Tests.Models;

/// <summary>The YOLOv3 layer facts of docs/yolov3-layers.md, checked against the repository's cfg.</summary>
public class YoloV3LayerFactsTests
{
    private static readonly DarknetCfg Cfg = BuiltinCfgs.YoloV3();

    private static int[] IndicesOf<T>() where T : LayerSpec =>
        Enumerable.Range(0, Cfg.LayerCount).Where(i => Cfg.Layers[i] is T).ToArray();

    [Test]
    public void LayerCountsAndKinds()
    {
        Assert.That(Cfg.LayerCount, Is.EqualTo(107));
        var convs = Cfg.Layers.OfType<ConvolutionalSpec>().ToList();
        Assert.That(convs, Has.Count.EqualTo(75));
        Assert.That(convs.Count(c => c.Size == 3), Is.EqualTo(38));
        Assert.That(convs.Count(c => c.Size == 1), Is.EqualTo(37));
        Assert.That(IndicesOf<ShortcutSpec>(),
            Is.EqualTo(new[] { 4, 8, 11, 15, 18, 21, 24, 27, 30, 33, 36, 40, 43, 46, 49, 52, 55, 58, 61, 65, 68, 71, 74 }));
        Assert.That(IndicesOf<UpsampleSpec>(), Is.EqualTo(new[] { 85, 97 }));
        Assert.That(IndicesOf<YoloSpec>(), Is.EqualTo(new[] { 82, 94, 106 }));
        Assert.That(IndicesOf<RouteSpec>(), Is.EqualTo(new[] { 83, 86, 95, 98 }));
        Assert.That(((RouteSpec)Cfg.Layers[83]).Layers, Is.EqualTo(new[] { 79 }));
        Assert.That(((RouteSpec)Cfg.Layers[86]).Layers, Is.EqualTo(new[] { 85, 61 }));
        Assert.That(((RouteSpec)Cfg.Layers[95]).Layers, Is.EqualTo(new[] { 91 }));
        Assert.That(((RouteSpec)Cfg.Layers[98]).Layers, Is.EqualTo(new[] { 97, 36 }));
        var strideTwo = Enumerable.Range(0, Cfg.LayerCount).Where(i => Cfg.Layers[i] is ConvolutionalSpec { Stride: 2 });
        Assert.That(strideTwo, Is.EqualTo(new[] { 1, 5, 12, 37, 62 }));
    }

    [Test]
    public void EveryConvIsBatchNormLeakyExceptTheThreeLinearOutputConvs()
    {
        for (var i = 0; i < Cfg.LayerCount; i++)
        {
            if (Cfg.Layers[i] is not ConvolutionalSpec c) continue;
            var output = i is 81 or 93 or 105;
            Assert.That((c.BatchNormalize, c.Activation), Is.EqualTo(output ? (false, Activation.Linear) : (true, Activation.Leaky)), $"layer {i}");
            if (output) Assert.That((c.Size, c.Filters), Is.EqualTo((1, 3 * (5 + 5))), $"layer {i}");
            Assert.That(c.Padding, Is.EqualTo(c.Size / 2), $"layer {i}");
        }
    }

    [Test]
    public void AnchorsAndMasks()
    {
        (float, float)[] anchors = [(10, 13), (16, 30), (33, 23), (30, 61), (62, 45), (59, 119), (116, 90), (156, 198), (373, 326)];
        using var net = ModelTestKit.TinyYolo(0, 32);
        Assert.That(net.Heads.Select(h => h.LayerIndex), Is.EqualTo(new[] { 82, 94, 106 }));
        Assert.That(net.Heads[0].Anchors, Is.EqualTo(anchors[6..9]));
        Assert.That(net.Heads[1].Anchors, Is.EqualTo(anchors[3..6]));
        Assert.That(net.Heads[2].Anchors, Is.EqualTo(anchors[0..3]));
        Assert.That(net.Heads.Select(h => h.Classes), Is.All.EqualTo(5));
    }

    [Test]
    public void TrainableParameterCountOfDarknetsYoloV3()
    {
        var cfg = BuiltinCfgs.YoloV3(new ModelOverrides(Classes: 80));
        Assert.That(LayerShapes.Infer(cfg).Sum(s => s.ParameterCount), Is.EqualTo(61_949_149));
        using var net = DarknetNetwork.Build(cfg, seed: 0);
        Assert.That(net.ParameterCount(), Is.EqualTo(61_949_149));
        Assert.That(net.trainable_parameters().Sum(p => p.numel()), Is.EqualTo(61_949_149));
        // The published files: yolov3.weights is 248,007,048 bytes and darknet53.conv.74 162,482,580, both with a
        // 20-byte header (0.2.0) and float32 data including the running statistics.
        Assert.That(20 + 4 * DarknetWeights.FloatCount(net), Is.EqualTo(248_007_048));
        Assert.That(20 + 4 * DarknetWeights.FloatCount(net, DarknetWeights.BackboneCutoff), Is.EqualTo(162_482_580));
    }

    [Test]
    public void DetectionGridsAt416()
    {
        var shapes = LayerShapes.Infer(Cfg);
        Assert.That(new[] { 82, 94, 106 }.Select(i => (shapes[i].Output.Height, shapes[i].Output.Width)),
            Is.EqualTo(new[] { (13, 13), (26, 26), (52, 52) }));
        Assert.That(shapes[106].Output.Channels, Is.EqualTo(30));
        // Darknet reports 65.86 BFLOPs for YOLOv3-416 with 80 classes.
        var flops80 = LayerShapes.Infer(BuiltinCfgs.YoloV3(new ModelOverrides(Classes: 80))).Sum(s => s.Flops);
        Assert.That(flops80 / 1e9, Is.EqualTo(65.86).Within(0.01));
    }

    [Test]
    public void WidthMultiplierRoundsToMultiplesOfEightAndKeepsTopologyAndOutputConvs()
    {
        Assert.That(DarknetCfg.ScaleFilters(32, 0.125), Is.EqualTo(8));
        Assert.That(DarknetCfg.ScaleFilters(1024, 0.125), Is.EqualTo(128));
        Assert.That(DarknetCfg.ScaleFilters(64, 0.3), Is.EqualTo(16)); // 19.2 → 2.4 eights → 2
        Assert.That(DarknetCfg.ScaleFilters(100, 1), Is.EqualTo(104)); // 12.5 eights → 13
        Assert.That(DarknetCfg.ScaleFilters(32, 0.01), Is.EqualTo(8));
        var narrow = BuiltinCfgs.YoloV3(new ModelOverrides(Classes: 80, Width: 0.3));
        Assert.That(narrow.Layers.Select(l => l.Kind), Is.EqualTo(Cfg.Layers.Select(l => l.Kind)));
        for (var i = 0; i < Cfg.LayerCount; i++)
        {
            if (narrow.Layers[i] is not ConvolutionalSpec c) continue;
            var original = ((ConvolutionalSpec)Cfg.Layers[i]).Filters;
            if (i is 81 or 93 or 105) Assert.That(c.Filters, Is.EqualTo(255), $"layer {i}");
            else Assert.That(c.Filters, Is.EqualTo(Math.Max(8, (int)Math.Round(original * 0.3 / 8, MidpointRounding.AwayFromZero) * 8)), $"layer {i}");
            Assert.That(c.Filters % 8 == 0 || i is 81 or 93 or 105, $"layer {i}");
        }
        Assert.That(LayerShapes.Infer(narrow), Has.Count.EqualTo(107));
    }

    [Test]
    public void ClassifierSharesLayers0To74AndEndsInAvgpoolConnectedSoftmax()
    {
        var classifier = BuiltinCfgs.Darknet53Classifier(new ModelOverrides(Classes: 7));
        for (var i = 0; i <= 74; i++)
            Assert.That(classifier.Layers[i] with { Line = 0 }, Is.EqualTo(Cfg.Layers[i] with { Line = 0 }), $"layer {i}");
        Assert.That(classifier.Layers.Skip(75).Select(l => l.Kind), Is.EqualTo(new[] { "avgpool", "connected", "softmax" }));
        Assert.That(((ConnectedSpec)classifier.Layers[76]).Output, Is.EqualTo(7));
    }

    [Test]
    public void ModelSummaryTotalsSplitBackboneAndHead()
    {
        var summary = ModelSummary.Of(BuiltinCfgs.YoloV3(new ModelOverrides(Classes: 80)));
        Assert.That(summary.Rows, Has.Count.EqualTo(107));
        Assert.That(summary.TotalParameters, Is.EqualTo(61_949_149));
        Assert.That(summary.BackboneParameters, Is.EqualTo(40_584_928)); // Darknet-53 without its classifier
        Assert.That(summary.Rows[86].InputLayers, Is.EqualTo("85, 61"));
        Assert.That(summary.Rows[106].OutputShape, Is.EqualTo("255×52×52"));
        Assert.That(summary.Rows.Count(r => r.Part == "backbone"), Is.EqualTo(75));
    }
}
