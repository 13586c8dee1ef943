using Repro.Torch.NN;

namespace Repro.Torch.Tests;

/// <summary>The fused training-mode batch norm + leaky ReLU (channels-last; NCHW runs libtorch's two ops) against
/// libtorch's two ops (its gradients against finite differences are in <see cref="GradientTests"/>).</summary>
public class BatchNormLeakyReluTests
{
    private const double Momentum = 0.1, Eps = 1e-5, Slope = 0.1;

    /// <summary>Output, input gradient, γ and β gradients and both running statistics, in float32, against the
    /// separate ops in float64 — and the separate ops in float32 for scale: the fused op must be at least as close.
    /// 3 × 37 × 41 = 4551 rows over 24 channels, shifted off zero so that E[x²] − E[x]² would show cancellation.</summary>
    [TestCase(MemoryFormat.Contiguous)]
    [TestCase(MemoryFormat.ChannelsLast)]
    public void EqualsBatchNormThenLeakyReluUpToRounding(MemoryFormat layout)
    {
        using var scope = torch.NewDisposeScope();
        using var g = new Generator(5);
        var x = (torch.randn([3, 24, 37, 41], g) * 3 + 7).contiguous(layout);
        var weight = torch.randn([24], g);
        var bias = torch.randn([24], g);
        var upstream = torch.randn([3, 24, 37, 41], g);

        var exact = Run(Separate, x.@double(), weight.@double(), bias.@double(), upstream.@double());
        var separate = Run(Separate, x, weight, bias, upstream);
        var fused = Run(Fused, x, weight, bias, upstream);
        foreach (var (name, reference) in exact)
        {
            var (fusedError, separateError) = (RelativeError(fused[name], reference), RelativeError(separate[name], reference));
            Assert.That(fusedError, Is.LessThanOrEqualTo(Math.Max(separateError, 1e-6)), $"{name}: fused {fusedError:E2}, libtorch {separateError:E2}");
        }
        using var output = Fused(x, null, null, weight, bias);
        Assert.That(output.is_contiguous(layout), "the output keeps the input's layout");
    }

    [Test]
    public void GivesTheSameBytesOnAnyNumberOfThreads()
    {
        using var scope = torch.NewDisposeScope();
        using var g = new Generator(6);
        var x = torch.randn([4, 16, 50, 50], g).contiguous(MemoryFormat.ChannelsLast);
        var (weight, bias, upstream) = (torch.randn([16], g), torch.randn([16], g), torch.randn([4, 16, 50, 50], g));
        var threads = torch.get_num_threads();
        try
        {
            torch.set_num_threads(1);
            var one = Run(Fused, x, weight, bias, upstream);
            torch.set_num_threads(2);
            var two = Run(Fused, x, weight, bias, upstream);
            foreach (var (name, value) in one)
                Assert.That(two[name].equal(value), name);
        }
        finally
        {
            torch.set_num_threads(threads);
        }
    }

    [Test]
    public void OneValuePerChannelAndMisshapenParametersAreErrors()
    {
        using var scope = torch.NewDisposeScope();
        var e = Assert.Throws<TorchException>(() =>
            functional.batch_norm_leaky_relu(torch.ones([1, 3, 1, 1]), null, null, torch.ones([3]), torch.zeros([3]), Momentum, Eps, Slope))!;
        Assert.That(e.Message, Does.Contain("more than 1 value per channel"));
        var x = torch.ones([2, 3, 2, 2]).contiguous(MemoryFormat.ChannelsLast);
        e = Assert.Throws<TorchException>(() => functional.batch_norm_leaky_relu(x, null, null, torch.ones([4]), null, Momentum, Eps, Slope))!;
        Assert.That(e.Message, Does.Contain("weight and bias must be 3 values"));
        e = Assert.Throws<TorchException>(() => functional.batch_norm_leaky_relu(x, torch.zeros([2]), null, null, null, Momentum, Eps, Slope))!;
        Assert.That(e.Message, Does.Contain("running statistics must be 3"));
    }

    private static Tensor Separate(Tensor x, Tensor? mean, Tensor? variance, Tensor weight, Tensor bias) =>
        functional.leaky_relu_(functional.batch_norm(x, mean, variance, weight, bias, training: true, Momentum, Eps), Slope);

    private static Tensor Fused(Tensor x, Tensor? mean, Tensor? variance, Tensor weight, Tensor bias) =>
        functional.batch_norm_leaky_relu(x, mean, variance, weight, bias, Momentum, Eps, Slope);

    /// <summary>One forward and backward (loss Σ upstream ⊙ output) from running statistics 0.5 and 2: the output,
    /// the three gradients and the running statistics after it, as float64.</summary>
    private static Dictionary<string, Tensor> Run(Func<Tensor, Tensor?, Tensor?, Tensor, Tensor, Tensor> op,
        Tensor x, Tensor weight, Tensor bias, Tensor upstream)
    {
        var (input, w, b) = (x.detach().clone().requires_grad_(), weight.detach().clone().requires_grad_(), bias.detach().clone().requires_grad_());
        var mean = torch.full([x.shape[1]], 0.5, x.dtype);
        var variance = torch.full([x.shape[1]], 2.0, x.dtype);
        var output = op(input, mean, variance, w, b);
        (output * upstream).sum().backward();
        return new Dictionary<string, Tensor>
        {
            ["output"] = output.detach().@double(), ["input gradient"] = input.grad!.@double(),
            ["weight gradient"] = w.grad!.@double(), ["bias gradient"] = b.grad!.@double(),
            ["running mean"] = mean.@double(), ["running variance"] = variance.@double(),
        };
    }

    private static double RelativeError(Tensor actual, Tensor reference) =>
        (actual - reference).abs().max().item() / Math.Max(reference.abs().max().item(), 1e-30);
}
