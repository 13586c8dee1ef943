using Repro.Models;
using Repro.Models.Darknet;
using Repro.Torch;

namespace Repro.Tests.Models;

/// <summary>Forward passes of the width-0.125 YOLOv3: every layer by darknet index, checked against references.</summary>
public class DarknetForwardTests
{
    /// <summary>
    /// Total stride of each layer's output, from the layer facts alone: stride-2 convs at 1, 5, 12, 37, 62,
    /// ×2 upsamples at 85 and 97, routes 83 → 79 and 95 → 91 going back to the coarse scale.
    /// </summary>
    private static int StrideOf(int layer) => layer switch
    {
        0 => 1,
        < 5 => 2,
        < 12 => 4,
        < 37 => 8,
        < 62 => 16,
        < 85 => 32,
        < 97 => 16,
        _ => 8,
    };

    [TestCase(32)]
    [TestCase(64)]
    [TestCase(128)]
    public void EveryLayerIsReportedOnceInOrderWithItsShape(int size)
    {
        using var scope = torch.NewDisposeScope();
        using var net = ModelTestKit.TinyYolo(seed: 1, size: size);
        var expected = net.ShapesAt(size, size);
        var seen = new List<int>();
        net.ForwardLayers(ModelTestKit.Images(2, size, 5), (i, output) =>
        {
            seen.Add(i);
            var s = output.shape;
            Assert.That(s[0], Is.EqualTo(2), $"layer {i}");
            Assert.That((s[2], s[3]), Is.EqualTo(((long)size / StrideOf(i), (long)size / StrideOf(i))), $"layer {i} at {size}");
            Assert.That(s[1], Is.EqualTo(expected[i].Output.Channels), $"layer {i}");
        });
        Assert.That(seen, Is.EqualTo(Enumerable.Range(0, 107)));
        Assert.That(new[] { 82, 94, 106 }.Select(i => expected[i].Output),
            Is.EqualTo(new[] { new FeatureShape(30, size / 32, size / 32), new FeatureShape(30, size / 16, size / 16), new FeatureShape(30, size / 8, size / 8) }));
    }

    [Test]
    public void YoloShortcutAndRouteOutputsFollowFromTheirInputs()
    {
        using var scope = torch.NewDisposeScope();
        using var net = ModelTestKit.TinyYolo(seed: 2, size: 64);
        ModelTestKit.RandomiseBatchNormStatistics(net, 3);
        var captured = new Dictionary<int, Tensor>();
        net.ForwardLayers(ModelTestKit.Images(2, 64, 6), (i, output) => captured[i] = output.clone(), new HashSet<int> { 1, 3, 4, 36, 61, 81, 82, 85, 86, 91, 95, 97, 98 });
        Assert.That(captured.Keys.Order(), Is.EqualTo(new[] { 1, 3, 4, 36, 61, 81, 82, 85, 86, 91, 95, 97, 98 }));
        Assert.That(captured[82].equal(captured[81]), "yolo layer = the conv before it");
        Assert.That(captured[4].equal(captured[3] + captured[1]), "shortcut 4 = 3 + 1");
        Assert.That(captured[95].equal(captured[91]), "route 95 = 91");
        Assert.That(captured[86].equal(torch.cat([captured[85], captured[61]], 1)), "route 86 = 85 ‖ 61");
        Assert.That(captured[98].equal(torch.cat([captured[97], captured[36]], 1)), "route 98 = 97 ‖ 36");
    }

    [Test]
    public void ALayerwiseForwardThatStopsAtItsLastWantedLayerGivesTheSameOutputs()
    {
        using var scope = torch.NewDisposeScope();
        using var net = ModelTestKit.TinyYolo(seed: 8, size: 64);
        ModelTestKit.RandomiseBatchNormStatistics(net, 9);
        var images = ModelTestKit.Images(2, 64, 10);
        var all = new Dictionary<int, Tensor>();
        net.ForwardLayers(images, (i, o) => all[i] = o.clone());
        var early = new Dictionary<int, Tensor>();
        net.ForwardLayers(images, (i, o) => early[i] = o.clone(), new HashSet<int> { 0, 4, 36 });
        Assert.That(early.Keys.Order(), Is.EqualTo(new[] { 0, 4, 36 }));
        foreach (var (i, output) in early) Assert.That(output.equal(all[i]), $"layer {i}");
    }

    [Test]
    public void ForwardReturnsTheRawYoloOutputsInTrainingModeAndDecodesThemInEvalMode()
    {
        using var scope = torch.NewDisposeScope();
        using var net = ModelTestKit.TinyYolo(seed: 4, size: 64);
        ModelTestKit.RandomiseBatchNormStatistics(net, 5);
        var images = ModelTestKit.Images(2, 64, 7);
        var layers = new Dictionary<int, Tensor>();
        net.ForwardLayers(images, (i, o) => layers[i] = o.clone(), new HashSet<int> { 82, 94, 106 });
        Assert.That(net.training, "ForwardLayers restores the training mode");

        net.eval();
        DetectorOutput eval;
        using (torch.no_grad()) eval = net.Forward(images);
        var raw = eval.Raw;
        Assert.That(raw.Select(t => t.shape), Is.EqualTo(new[] { new long[] { 2, 30, 2, 2 }, [2, 30, 4, 4], [2, 30, 8, 8] }));
        for (var k = 0; k < 3; k++) Assert.That(raw[k].equal(layers[new[] { 82, 94, 106 }[k]]), $"scale {k}");

        // Decoded: 3 anchors × (2² + 4² + 8²) predictors per image, heads in order; checked by hand for one predictor
        // of the 4 × 4 head: anchor 1, row 2, column 3 (stride 16).
        var decoded = eval.Decoded;
        Assert.That(decoded.Boxes.shape, Is.EqualTo(new long[] { 2, 252, 4 }));
        Assert.That(decoded.Objectness.shape, Is.EqualTo(new long[] { 2, 252 }));
        Assert.That(decoded.ClassProbabilities.shape, Is.EqualTo(new long[] { 2, 252, 5 }));
        var logits = raw[1][1].@double().ToArray<double>(); // image 1, head 1: 30 × 4 × 4
        double At(int channel) => logits[(channel * 4 + 2) * 4 + 3];
        static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
        var (anchorW, anchorH) = net.Heads[1].Anchors[1];
        var (cx, cy) = ((Sigmoid(At(10 + 0)) + 3) * 16, (Sigmoid(At(10 + 1)) + 2) * 16);
        var (w, h) = (Math.Exp(At(10 + 2)) * anchorW, Math.Exp(At(10 + 3)) * anchorH);
        var predictor = 3 * 2 * 2 + (1 * 4 + 2) * 4 + 3;
        var box = decoded.Boxes[1][predictor].@double().ToArray<double>();
        double Clip(double v) => Math.Clamp(v, 0, 64);
        Assert.That(box, Is.EqualTo(new[] { Clip(cx - w / 2), Clip(cy - h / 2), Clip(cx + w / 2), Clip(cy + h / 2) }).Within(1e-4));
        Assert.That(decoded.Objectness[1][predictor].item<float>(), Is.EqualTo(Sigmoid(At(10 + 4))).Within(1e-6));
        Assert.That(decoded.ClassProbabilities[1][predictor].@double().ToArray<double>(),
            Is.EqualTo(Enumerable.Range(0, 5).Select(c => Sigmoid(At(10 + 5 + c)))).Within(1e-6));

        net.train();
        var trained = net.Forward(images);
        Assert.That(trained.CanDecode, Is.False);
        Assert.Throws<InvalidOperationException>(() => _ = trained.Decoded);
        Assert.That(trained.Raw.Select(t => t.requires_grad), Is.All.True);
        Assert.That(trained.Raw[0].equal(raw[0]), Is.False, "training mode normalises with batch statistics");
    }

    [Test]
    public void DecodedPredictionsFirstAskedForInsideANarrowerScopeOutliveIt()
    {
        using var scope = torch.NewDisposeScope();
        using var net = ModelTestKit.TinyYolo(seed: 4, size: 64);
        net.eval();
        using var _ = torch.no_grad();
        var images = ModelTestKit.Images(2, 64, 7);
        using var output = net.Forward(images);
        Tensor boxes;
        using (torch.NewDisposeScope()) boxes = output.Decoded.Boxes;
        Assert.That(output.Decoded.Boxes, Is.SameAs(boxes), "decoded once");
        using var again = DecodedPredictions.Decode(output.Raw, net.Heads, 64, 64);
        Assert.That(boxes.equal(again.Boxes), "still alive after the scope of its first use, and what a decode gives");
    }

    [Test]
    public void Layer0And81MatchAFloat64Reference()
    {
        using var scope = torch.NewDisposeScope();
        using var net = ModelTestKit.TinyYolo(seed: 8, size: 32);
        ModelTestKit.RandomiseBatchNormStatistics(net, 9);
        var images = ModelTestKit.Images(1, 32, 10);
        var captured = new Dictionary<int, Tensor>();
        net.ForwardLayers(images, (i, o) => captured[i] = o.clone(), new HashSet<int> { 0, 80, 81 });
        var state = net.state_dict();

        // Layer 0: 3×3 conv, padding 1, no bias → batch norm with running statistics → leaky 0.1.
        var x = images.@double().ToArray<double>();
        var w = state["0.conv.weight"].@double().ToArray<double>();
        var (gamma, beta) = (state["0.bn.weight"].@double().ToArray<double>(), state["0.bn.bias"].@double().ToArray<double>());
        var (mean, variance) = (state["0.bn.running_mean"].@double().ToArray<double>(), state["0.bn.running_var"].@double().ToArray<double>());
        var got0 = captured[0].@double().ToArray<double>();
        const int S = 32, C = 8;
        for (var c = 0; c < C; c++)
            for (var y = 0; y < S; y++)
                for (var xx = 0; xx < S; xx++)
                {
                    double z = 0;
                    for (var ci = 0; ci < 3; ci++)
                        for (var ky = 0; ky < 3; ky++)
                            for (var kx = 0; kx < 3; kx++)
                            {
                                int iy = y + ky - 1, ix = xx + kx - 1;
                                if (iy is >= 0 and < S && ix is >= 0 and < S)
                                    z += w[((c * 3 + ci) * 3 + ky) * 3 + kx] * x[(ci * S + iy) * S + ix];
                            }
                    var bn = (z - mean[c]) / Math.Sqrt(variance[c] + 1e-5) * gamma[c] + beta[c];
                    var expected = bn > 0 ? bn : 0.1 * bn;
                    Assert.That(got0[(c * S + y) * S + xx], Is.EqualTo(expected).Within(1e-4), $"layer 0 at c={c} y={y} x={xx}");
                }

        // Layer 81: linear 1×1 conv with bias over layer 80's output (1×1 grid at 32 px).
        var in80 = captured[80].@double().ToArray<double>();
        var w81 = state["81.conv.weight"].@double().ToArray<double>();
        var b81 = state["81.conv.bias"].@double().ToArray<double>();
        var got81 = captured[81].@double().ToArray<double>();
        Assert.That(got81, Has.Length.EqualTo(30));
        for (var c = 0; c < 30; c++)
        {
            var expected = b81[c] + Enumerable.Range(0, in80.Length).Sum(k => w81[c * in80.Length + k] * in80[k]);
            Assert.That(got81[c], Is.EqualTo(expected).Within(1e-4), $"layer 81 channel {c}");
        }
    }

    [Test]
    public void AnInputSizeTheRoutesCannotJoinIsAnErrorNamingTheLayer()
    {
        using var scope = torch.NewDisposeScope();
        using var net = ModelTestKit.TinyYolo(seed: 0, size: 64);
        // 100 → 50 → 25 → 13 → 7 → 4: upsampled to 8, it cannot join layer 61's 7×7.
        var e = Assert.Throws<DarknetCfgException>(() => net.Forward(ModelTestKit.Images(1, 100, 0)))!;
        Assert.That(e.Message, Does.Contain("layer 86").And.Contain("yolov3.cfg"));
        Assert.Throws<ArgumentException>(() => net.Forward(torch.zeros([1, 1, 64, 64])));
    }

    /// <summary>
    /// The network runs channels-last for speed: other conv and batch-norm kernels, another summation order. A training
    /// step must not notice beyond float32 rounding. The heads, every parameter's gradient and the running statistics
    /// the step leaves behind are compared with the same step in float64 (NCHW). The bound is that of a float32 sum of
    /// the 8192 values a batch-norm channel of the first layers reduces (2 images × 64 × 64): n·ε ≈ 4.9e-4 of the
    /// largest value, doubled for forward and backward. Measured: at most 9.8e-5 channels-last (where batch norm and
    /// leaky ReLU run fused, summing in double) and 1.0e-4 NCHW (libtorch's ops); libtorch's own channels-last batch
    /// norm, which sums row by row in float, reached 4.8e-4. A wrong layout anywhere is off by O(1).
    /// </summary>
    [Test]
    public void ATrainingStepInEitherLayoutEqualsFloat64UpToFloat32Rounding()
    {
        using var scope = torch.NewDisposeScope();
        var images = ModelTestKit.Images(2, 64, 31);
        var exact = TrainingStep(MemoryFormat.Contiguous, ScalarType.Float64, images);
        const double bound = 2 * 8192 * 5.96e-8;
        foreach (var layout in new[] { MemoryFormat.ChannelsLast, MemoryFormat.Contiguous })
        {
            var step = TrainingStep(layout, ScalarType.Float32, images);
            Assert.That(step.Keys, Is.EquivalentTo(exact.Keys));
            foreach (var (name, reference) in exact)
                Assert.That(RelativeError(step[name], reference), Is.LessThan(bound), $"{layout}: {name}");
        }
    }

    /// <summary>One forward and backward in train mode: the heads, each parameter's gradient and each buffer after it,
    /// by name, as float64 NCHW. Also checks that the heads kept the layout the network ran in.</summary>
    private static Dictionary<string, Tensor> TrainingStep(MemoryFormat layout, ScalarType dtype, Tensor images)
    {
        using var net = ModelTestKit.TinyYolo(seed: 30, size: 64);
        net.to(dtype);
        net.CpuLayout = layout;
        net.train();
        using var output = net.Forward(images.to(dtype));
        Assert.That(output.Raw.All(r => r.is_contiguous(layout)), $"{layout}: the heads kept the input's layout");
        var results = output.Raw.Select((r, h) => ($"head {h}", r.detach().@double().contiguous())).ToList();
        output.Raw.Select(r => r.square().mean()).Aggregate((a, b) => a + b).backward();
        results.AddRange(net.named_parameters().Select(p => ($"gradient of {p.Name}", p.Parameter.grad!.@double().contiguous())));
        results.AddRange(net.named_buffers().Select(b => (b.Name, b.Buffer.@double().contiguous())));
        return results.ToDictionary(r => r.Item1, r => r.Item2);
    }

    /// <summary>The largest element difference relative to the reference's largest magnitude.</summary>
    private static double RelativeError(Tensor actual, Tensor reference) =>
        (actual - reference).abs().max().item() / Math.Max(reference.abs().max().item(), 1e-30);

    [Test]
    public void ClassifierGivesLogitsBeforeSoftmaxAndProbabilitiesAfter()
    {
        using var scope = torch.NewDisposeScope();
        using var net = DarknetNetwork.Build(BuiltinCfgs.Darknet53Classifier(new ModelOverrides(Classes: 4, Width: 0.125, Size: 32)), seed: 3);
        Assert.That(net.Heads, Is.Empty);
        net.eval();
        var images = ModelTestKit.Images(3, 32, 1);
        var logits = net.ForwardTo(images, 76);
        var probabilities = net.Forward(images).Raw.Single();
        Assert.That(logits.shape, Is.EqualTo(new long[] { 3, 4 }));
        Assert.That(probabilities.allclose(Repro.Torch.NN.functional.softmax(logits, 1), 1e-5, 1e-6));
        Assert.That(probabilities.sum(1).allclose(torch.ones([3]), 1e-5, 1e-6));
    }
}
