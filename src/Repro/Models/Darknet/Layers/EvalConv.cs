using Repro.Torch;
using Repro.Torch.NN;

namespace Repro.Models.Darknet.Layers;

/// <summary>
/// A conv followed by a batch norm in eval mode, folded into one conv with a bias: with s = γ / √(σ² + ε) per output
/// channel, W' = W·s and b' = β − μ·s, so conv(x, W') + b' = (conv(x, W) − μ)·s + β up to rounding. The eval
/// forward then skips a memory-bound pass over every activation per layer. The fold is computed in float64 and
/// rounded once to the weights' dtype, so it adds no rounding of its own beyond that one.
/// <para>
/// It stays valid only while its sources do: each source is remembered by identity (moving a module to another
/// device replaces its tensors) and by libtorch's version counter (every in-place write — optimizer steps, weight
/// loads, <c>copy_</c> — bumps it), and <see cref="IsCurrent"/> compares both. The one write the counter misses is
/// a train-mode batch norm's update of its running statistics; <see cref="ConvolutionalLayer"/> drops its fold on
/// every train-mode forward for that reason.
/// </para>
/// </summary>
internal sealed class FoldedConvBatchNorm : IDisposable
{
    private readonly (Tensor Tensor, long Version)[] sources;

    private FoldedConvBatchNorm(Tensor weight, Tensor bias, (Tensor, long)[] sources)
    {
        Weight = weight;
        Bias = bias;
        this.sources = sources;
    }

    public Tensor Weight { get; }

    public Tensor Bias { get; }

    public static FoldedConvBatchNorm Of(Conv2d conv, BatchNorm2d bn)
    {
        var sources = Sources(conv, bn).Select(t => (t, t._version)).ToArray();
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var scale = bn.Weight.@double() / (bn.RunningVar.@double() + bn.Eps).sqrt();
        var weight = (conv.Weight.@double() * scale.view(-1, 1, 1, 1)).to(conv.Weight.dtype);
        var bias = (bn.Bias.@double() - bn.RunningMean.@double() * scale).to(conv.Weight.dtype);
        return new FoldedConvBatchNorm(weight.DetachFromDisposeScope(), bias.DetachFromDisposeScope(), sources);
    }

    /// <summary>Whether every source is still the same tensor, unwritten since the fold.</summary>
    public bool IsCurrent(Conv2d conv, BatchNorm2d bn)
    {
        var i = 0;
        foreach (var t in Sources(conv, bn))
        {
            var (tensor, version) = sources[i++];
            if (!ReferenceEquals(t, tensor) || t._version != version) return false;
        }
        return true;
    }

    private static IEnumerable<Tensor> Sources(Conv2d conv, BatchNorm2d bn) =>
        [conv.Weight, bn.Weight, bn.Bias, bn.RunningMean, bn.RunningVar];

    public void Dispose()
    {
        Weight.Dispose();
        Bias.Dispose();
    }
}
