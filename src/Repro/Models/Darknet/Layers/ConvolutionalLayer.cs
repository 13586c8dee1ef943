using Repro.Torch;
using Repro.Torch.NN;

namespace Repro.Models.Darknet.Layers;

/// <summary>
/// Conv → batch norm → activation; without batch norm the conv has a bias (darknet's linear output convs).
/// Batch norm uses PyTorch's defaults (momentum 0.1, ε 1e-5): the pre-trained statistics carry over unchanged and
/// fine-tuning follows the common PyTorch YOLOv3 ports. The eval forward without gradients (evaluation, layer
/// analysis, validation) runs the layer as one <see cref="EvalConv"/> — batch norm folded into the conv, activation
/// fused, oneDNN on the CPU — remade whenever the weights or statistics have changed since.
/// </summary>
internal sealed class ConvolutionalLayer : DarknetLayer, IDarknetWeighted
{
    private readonly Conv2d conv;
    private readonly BatchNorm2d? bn;

    public ConvolutionalLayer(int index, ConvolutionalSpec spec, int inChannels, Generator generator) : base(index)
    {
        Spec = spec;
        conv = RegisterModule("conv", new Conv2d(inChannels, spec.Filters, spec.Size, spec.Stride, spec.Padding, bias: !spec.BatchNormalize, generator));
        if (spec.BatchNormalize) bn = RegisterModule("bn", new BatchNorm2d(spec.Filters));
    }

    // The eval conv of the last eval forward; the lock keeps two threads evaluating one model from remaking it at once.
    private readonly Lock evalLock = new();
    private EvalConv? evalConv;

    public ConvolutionalSpec Spec { get; }

    /// <summary>Whether the eval forward without gradients runs the layer as one <see cref="EvalConv"/> (on; off only
    /// to compare with the separate conv, batch norm and activation in tests).</summary>
    internal bool UsesEvalConv { get; set; } = true;

    public IReadOnlyList<Tensor> WeightsInFileOrder =>
        bn is not null ? [bn.Bias, bn.Weight, bn.RunningMean, bn.RunningVar, conv.Weight] : [conv.Bias!, conv.Weight];

    public override Tensor Forward(Tensor? previous, IReadOnlyList<Tensor?> outputs)
    {
        // The eval conv folds the running statistics (eval mode) and passes no gradient to the separate parameters.
        if (UsesEvalConv && !(bn?.training ?? training) && !torch.is_grad_enabled())
            return CurrentEvalConv().forward(previous!);

        var y = conv.forward(previous!);
        if (bn is not null)
        {
            // A train-mode batch norm moves its running statistics without bumping their version counter (libtorch
            // writes them inside the kernel), so the eval conv cannot see that change: drop it here.
            if (bn.training) DropEvalConv();
            using var z = y;
            // Training fuses the pair into one kernel (two sweeps over the activation each way instead of five and
            // four); like the in-place activation below, it keeps no third activation-sized tensor for backward.
            if (Spec.Activation == Activation.Leaky) return bn.forward_leaky_relu(z, LeakySlope);
            y = bn.forward(z);
        }
        // In place: neither the conv's nor the batch norm's backward reads its own output, and an out-of-place leaky
        // ReLU would keep its input alive for its own backward — a third activation-sized tensor per layer held
        // until backward (width 1 at 416, batch 8: peak resident 6.1 GB out of place, 5.4 GB in place).
        if (Spec.Activation == Activation.Leaky) functional.leaky_relu_(y, LeakySlope);
        return y;
    }

    private const double LeakySlope = 0.1;

    private EvalConv CurrentEvalConv()
    {
        lock (evalLock)
        {
            if (evalConv is null || !evalConv.IsCurrent(conv, bn))
            {
                evalConv?.Dispose();
                evalConv = EvalConv.Of(conv, bn, Spec.Activation == Activation.Leaky ? LeakySlope : null);
            }
            return evalConv;
        }
    }

    private void DropEvalConv()
    {
        lock (evalLock)
        {
            evalConv?.Dispose();
            evalConv = null;
        }
    }

    public override void Dispose()
    {
        DropEvalConv();
        base.Dispose();
    }
}
