using Repro.Data;
using Repro.Models;
using Repro.Models.Darknet;
using Repro.Similarity;
using Repro.Torch;
using Repro.Torch.NN;
using Repro.Torch.Optim;
using Repro.Training;

namespace Repro.SelfTest;

/// <summary>
/// The engine's key computations as <see cref="EngineCheck"/>s: what a study does on a device, each small enough to
/// run in seconds. Inputs are drawn once in float64 on the CPU from fixed seeds and then converted, so both runs of a
/// check start from the same numbers (up to float32's rounding of them).
/// </summary>
/// <remarks>
/// Tolerances are float32's with room for another order of sums (cuDNN's algorithms, Winograd's transforms): 5 to 50
/// times the largest error measured on this project's CPUs (docs/gpu.md lists them), and below what TF32 (a 10-bit
/// mantissa, about 1e-3 per convolution; cuDNN's default on Ampere and later GPUs) would give, which the engine turns
/// off on a GPU (<see cref="torch.use_deterministic_algorithms"/>). A bug (a wrong index, a missing term, a stale
/// buffer) moves a result by far more than any of them.
/// </remarks>
internal static class EngineChecks
{
    /// <summary>The width and input size of the network checks: the real topology, 107 layers, small enough for a CPU.</summary>
    public const double NetworkWidth = 0.25;
    public const int NetworkSize = 64;

    public static IReadOnlyList<EngineCheck> All { get; } =
    [
        new("conv-forward", "3×3 convolutions, stride 1 and 2 (darknet's two kinds), 4 × 32 × 24 × 24 → 64 channels", 1e-4, ConvForward),
        new("conv-backward", "their gradients with respect to input, kernel and bias", 1e-4, ConvBackward),
        new("batch-norm", "training-mode batch norm + leaky ReLU: output, gradients, running statistics", 1e-5, BatchNorm),
        new("yolo-loss", "the YOLOv3 loss of random raw outputs at three scales and its gradient", 1e-5, YoloLossAndGradient),
        new("adam-step", "two Adam steps (lr 0.01): the parameters' change", 1e-4, AdamSteps),
        // Euclidean, and wide: a pre-activation within float32's rounding of 0 takes the other slope of a leaky ReLU,
        // and one such element moves its channel's weight gradient by a few per cent (one of ~1,000 terms of random
        // sign, each of order 1). Whether one occurs depends on the exact bits: on this project's AVX-512 machine the
        // step is within 2.5e-5 of float64, with oneDNN capped at AVX2 one flip makes it 1.2e-2 (docs/gpu.md).
        // A broken op moves it by O(1).
        new("training-step", $"one whole training step of YOLOv3 at width {NetworkWidth}, {NetworkSize} px, batch 4: loss, every gradient, the loss after Adam's step", 0.1, TrainingStep, ErrorNorm.Euclidean),
        new("eval-forward", $"the eval forward of all 107 layers at width {NetworkWidth}, {NetworkSize} px, every layer's output", 1e-4, EvalForward),
        new("gram-cka", "linear CKA from centred Gram matrices of 48 × 2048 and 48 × 1024 features", 1e-5, GramCka),
    ];

    /// <summary>A tensor drawn in float64 on the CPU, then given the check's dtype, device and layout.</summary>
    private static Tensor Draw(long[] shape, long seed, Device device, ScalarType dtype, double scale = 1, double shift = 0)
    {
        using var g = new Generator(seed);
        using var reference = torch.randn(shape, g, ScalarType.Float64) * scale + shift;
        return On(reference, device, dtype);
    }

    /// <summary>The layout the engine computes in: channels-last for a float32 4-D tensor on the CPU (as the network
    /// runs there), NCHW everywhere else, the float64 reference included.</summary>
    private static Tensor On(Tensor t, Device device, ScalarType dtype)
    {
        using var moved = t.to(dtype, device);
        var fast = device.Type == DeviceType.CPU && dtype == ScalarType.Float32 && t.dim() == 4;
        return moved.contiguous(fast ? MemoryFormat.ChannelsLast : MemoryFormat.Contiguous);
    }

    private static double[] Values(Tensor t)
    {
        using var d = t.detach().to(ScalarType.Float64, Device.CPU);
        return d.ToArray<double>();
    }

    private static IReadOnlyList<CheckPart> ConvForward(Device device, ScalarType dtype)
    {
        using var scope = torch.NewDisposeScope();
        var x = Draw([4, 32, 24, 24], 1, device, dtype);
        var w = Draw([64, 32, 3, 3], 2, device, dtype, 1 / Math.Sqrt(32 * 9));
        var b = Draw([64], 3, device, dtype, 0.1);
        return [new("stride 1", Values(functional.conv2d(x, w, b, 1, 1))), new("stride 2", Values(functional.conv2d(x, w, b, 2, 1)))];
    }

    private static IReadOnlyList<CheckPart> ConvBackward(Device device, ScalarType dtype)
    {
        using var scope = torch.NewDisposeScope();
        var x = Draw([4, 32, 24, 24], 1, device, dtype).requires_grad_();
        var w = Draw([64, 32, 3, 3], 2, device, dtype, 1 / Math.Sqrt(32 * 9)).requires_grad_();
        var b = Draw([64], 3, device, dtype, 0.1).requires_grad_();
        var parts = new List<CheckPart>();
        foreach (var stride in new long[] { 1, 2 })
        {
            var y = functional.conv2d(x, w, b, stride, 1);
            var upstream = Draw(y.shape, 4 + stride, device, dtype);
            (y * upstream).sum().backward();
            parts.Add(new($"stride {stride} ∂input", Values(x.grad!)));
            parts.Add(new($"stride {stride} ∂kernel", Values(w.grad!)));
            parts.Add(new($"stride {stride} ∂bias", Values(b.grad!)));
            foreach (var t in new[] { x, w, b }) t.clear_grad();
        }
        return parts;
    }

    private static IReadOnlyList<CheckPart> BatchNorm(Device device, ScalarType dtype)
    {
        using var scope = torch.NewDisposeScope();
        var x = Draw([4, 64, 16, 16], 10, device, dtype, 2, 1).requires_grad_();
        var gamma = Draw([64], 11, device, dtype, 0.2, 1).requires_grad_();
        var beta = Draw([64], 12, device, dtype, 0.2).requires_grad_();
        var mean = torch.zeros([64], dtype, device);
        var variance = torch.ones([64], dtype, device);
        var y = functional.batch_norm_leaky_relu(x, mean, variance, gamma, beta, 0.03, 1e-5, 0.1);
        (y * Draw(y.shape, 13, device, dtype)).sum().backward();
        return
        [
            new("output", Values(y)), new("∂input", Values(x.grad!)), new("∂γ", Values(gamma.grad!)), new("∂β", Values(beta.grad!)),
            new("running mean", Values(mean)), new("running variance", Values(variance)),
        ];
    }

    /// <summary>A few boxes per image in a <see cref="NetworkSize"/>-pixel input, every class, from a fixed seed.</summary>
    private static IReadOnlyList<IReadOnlyList<BoundingBox>> Targets(int images, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, images).Select(i => (IReadOnlyList<BoundingBox>)Enumerable.Range(0, 2 + i % 3).Select(k =>
        {
            var (w, h) = (4 + random.Next(40), 4 + random.Next(40));
            var (x, y) = (random.Next(NetworkSize - w), random.Next(NetworkSize - h));
            return new BoundingBox((CommonClass)((i + k) % CommonClasses.Count), x, y, x + w, y + h);
        }).ToList()).ToList();
    }

    private static DarknetNetwork Network(Device device, ScalarType dtype)
    {
        var network = DarknetNetwork.Build(BuiltinCfgs.YoloV3(new ModelOverrides(CommonClasses.Count, NetworkWidth, NetworkSize)), seed: 7);
        if (dtype != ScalarType.Float32)
        {
            network.to(dtype);
            network.CpuLayout = MemoryFormat.Contiguous;
            network.UsesEvalConvs = false;
        }
        if (device != Device.CPU) network.to(device);
        return network;
    }

    private static IReadOnlyList<CheckPart> YoloLossAndGradient(Device device, ScalarType dtype)
    {
        using var scope = torch.NewDisposeScope();
        using var network = Network(Device.CPU, ScalarType.Float32);
        var raw = network.Heads.Select((h, k) =>
            Draw([3, h.Anchors.Count * (5 + h.Classes), NetworkSize / (32 >> k), NetworkSize / (32 >> k)], 20 + k, device, dtype, 0.7).requires_grad_()).ToList();
        using var components = new YoloLoss(network.Heads).Compute(raw, Targets(3, 21), NetworkSize, NetworkSize);
        components.Total.backward();
        return [new("box, objectness, class, total", components.Values()), .. raw.Select((r, k) => new CheckPart($"∂ head {k}", Values(r.grad!)))];
    }

    private static IReadOnlyList<CheckPart> AdamSteps(Device device, ScalarType dtype)
    {
        using var scope = torch.NewDisposeScope();
        var parameters = new[] { Draw([64, 32, 3, 3], 30, device, dtype), Draw([64], 31, device, dtype) }.Select(p => p.requires_grad_()).ToList();
        var before = parameters.Select(Values).ToList();
        using var adam = new Adam(parameters, lr: 0.01);
        for (var step = 0; step < 2; step++)
        {
            adam.zero_grad();
            for (var i = 0; i < parameters.Count; i++)
            {
                // Gradients well away from zero (∂(p·g)/∂p = g): Adam's first step is lr·g/|g|, so a gradient within
                // rounding of 0 could change the step's sign.
                using var g = Draw(parameters[i].shape, 40 + 10 * step + i, device, dtype);
                using var away = g + g.sign() * 0.1;
                using var product = (parameters[i] * away).sum();
                product.backward();
            }
            adam.step();
        }
        return parameters.Select((p, i) => new CheckPart($"Δ parameter {i}", Values(p).Zip(before[i], (a, b) => a - b).ToArray())).ToList();
    }

    private static IReadOnlyList<CheckPart> TrainingStep(Device device, ScalarType dtype)
    {
        using var scope = torch.NewDisposeScope();
        using var network = Network(device, dtype);
        network.train();
        var images = Draw([4, 3, NetworkSize, NetworkSize], 50, device, dtype, 0.25, 0.5);
        var output = network.Forward(images);
        using var components = new YoloLoss(network.Heads).Compute(output.Raw, Targets(4, 51), NetworkSize, NetworkSize);
        var trainable = network.parameters().Where(p => p.requires_grad).ToList();
        using var adam = new Adam(trainable, lr: 1e-3);
        adam.zero_grad();
        components.Total.backward();
        var parts = new List<CheckPart> { new("loss", components.Values()) };
        // Gradients by region (backbone 0–74, head 75–106): one scale per region, so a wrong small-gradient region
        // is not hidden by the other's larger values.
        var named = network.named_parameters().Where(p => p.Item2.requires_grad).ToList();
        foreach (var (region, inRegion) in new (string, Func<int, bool>)[] { ("∂ backbone", l => l < 75), ("∂ head", l => l >= 75) })
            parts.Add(new(region, named.Where(p => inRegion(LayerOf(p.Item1))).SelectMany(p => Values(p.Item2.grad!)).ToArray()));
        adam.step();
        // The step is judged by the loss it leads to, not by the parameters: Adam's first step is lr·g/(|g| + ε) for
        // every element, ±lr for a gradient float32 cannot resolve from 0, whereas the loss barely depends on exactly
        // those elements.
        var after = network.Forward(images);
        using var next = new YoloLoss(network.Heads).Compute(after.Raw, Targets(4, 51), NetworkSize, NetworkSize);
        parts.Add(new("loss after the Adam step", next.Values()));
        return parts;
    }

    private static int LayerOf(string name) => int.Parse(name.AsSpan(0, name.IndexOf('.')), System.Globalization.CultureInfo.InvariantCulture);

    private static IReadOnlyList<CheckPart> EvalForward(Device device, ScalarType dtype)
    {
        using var scope = torch.NewDisposeScope();
        using var network = Network(device, dtype);
        // Running statistics other than 0 and 1, so that the eval batch norm (folded into the conv on the CPU) does work.
        using (torch.no_grad())
            foreach (var (name, buffer) in network.named_buffers().Where(b => b.Item2.dtype == dtype).ToList())
            {
                using var value = Draw(buffer.shape, 60 + LayerOf(name), device, dtype, 0.3, name.EndsWith("running_var", StringComparison.Ordinal) ? 1.5 : 0).abs();
                buffer.copy_(value);
            }
        network.eval();
        var parts = new List<CheckPart>();
        network.ForwardLayers(Draw([2, 3, NetworkSize, NetworkSize], 61, device, dtype, 0.25, 0.5), (i, o) => parts.Add(new($"layer {i}", Values(o))));
        return parts;
    }

    private static IReadOnlyList<CheckPart> GramCka(Device device, ScalarType dtype)
    {
        using var scope = torch.NewDisposeScope();
        var shared = Draw([48, 64], 70, device, dtype);
        // Two layers that share a 64-dimensional signal, mixed into 2048 and 1024 features with noise.
        var x = shared.matmul(Draw([64, 2048], 71, device, dtype)) + Draw([48, 2048], 72, device, dtype, 4);
        var y = shared.matmul(Draw([64, 1024], 73, device, dtype)) + Draw([48, 1024], 74, device, dtype, 4);
        var k = LinearCka.CenterGram(LinearCka.GramLinear(x));
        var l = LinearCka.CenterGram(LinearCka.GramLinear(y));
        return [new("centred Gram of x", Values(k)), new("centred Gram of y", Values(l)), new("CKA", [LinearCka.FromCenteredGrams(k, l)])];
    }
}
