using Repro.Torch;
using Repro.Torch.NN;

namespace Repro.Models.Darknet.Layers;

/// <summary>
/// A conv layer as the eval forward runs it: one <see cref="InferenceConv2d"/> (oneDNN on the CPU, weights packed
/// once, the leaky ReLU fused) with the batch norm, if any, folded into its weights. With s = γ / √(σ² + ε) per
/// output channel, W' = W·s and b' = β − μ·s, so conv(x, W') + b' = (conv(x, W) − μ)·s + β up to rounding: the eval
/// forward skips a memory-bound pass over every activation per layer. The fold is computed in float64 and rounded
/// once to the weights' dtype, so it adds no rounding of its own beyond that one.
/// <para>
/// It stays valid only while its sources do: each source is remembered by identity (moving a module to another
/// device replaces its tensors) and by libtorch's version counter (every in-place write — optimizer steps, weight
/// loads, <c>copy_</c> — bumps it), and <see cref="IsCurrent"/> compares both. The one write the counter misses is
/// a train-mode batch norm's update of its running statistics; <see cref="ConvolutionalLayer"/> drops its eval conv
/// on every train-mode forward for that reason.
/// </para>
/// </summary>
internal sealed class EvalConv : IDisposable
{
    private readonly (Tensor Tensor, long Version)[] sources;
    private readonly InferenceConv2d conv;

    private EvalConv(InferenceConv2d conv, (Tensor, long)[] sources)
    {
        this.conv = conv;
        this.sources = sources;
    }

    public static EvalConv Of(Conv2d conv, BatchNorm2d? bn, double? leakySlope)
    {
        var sources = Sources(conv, bn).Select(t => (t, t._version)).ToArray();
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        Tensor weight, bias;
        if (bn is null)
        {
            weight = conv.Weight;
            bias = conv.Bias ?? torch.zeros([conv.OutChannels], conv.Weight.dtype, conv.Weight.device);
        }
        else
        {
            var scale = bn.Weight.@double() / (bn.RunningVar.@double() + bn.Eps).sqrt();
            weight = (conv.Weight.@double() * scale.view(-1, 1, 1, 1)).to(conv.Weight.dtype);
            bias = (bn.Bias.@double() - bn.RunningMean.@double() * scale).to(conv.Weight.dtype);
        }
        return new EvalConv(new InferenceConv2d(weight, bias, conv.Stride, conv.Padding, leakySlope), sources);
    }

    public Tensor forward(Tensor input) => conv.forward(input);

    /// <summary>Whether every source is still the same tensor, unwritten since the eval conv was made.</summary>
    public bool IsCurrent(Conv2d conv, BatchNorm2d? bn)
    {
        var i = 0;
        foreach (var t in Sources(conv, bn))
        {
            var (tensor, version) = sources[i++];
            if (!ReferenceEquals(t, tensor) || t._version != version) return false;
        }
        return true;
    }

    private static IEnumerable<Tensor> Sources(Conv2d conv, BatchNorm2d? bn) =>
        bn is not null ? [conv.Weight, bn.Weight, bn.Bias, bn.RunningMean, bn.RunningVar]
        : conv.Bias is { } b ? [conv.Weight, b] : [conv.Weight];

    public void Dispose() => conv.Dispose();
}
