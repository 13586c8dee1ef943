using Repro.Torch;
using Repro.Torch.NN;

namespace Repro.Models.Darknet.Layers;

/// <summary>
/// Conv → batch norm → activation; without batch norm the conv has a bias (darknet's linear output convs).
/// Batch norm uses PyTorch's defaults (momentum 0.1, ε 1e-5): the pre-trained statistics carry over unchanged and
/// fine-tuning follows the common PyTorch YOLOv3 ports. The eval forward without gradients (evaluation, layer
/// analysis, validation) runs the conv and batch norm as one folded conv (<see cref="FoldedConvBatchNorm"/>), refolded
/// whenever the weights or statistics have changed since.
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

    // The folded conv of the last eval forward; the lock keeps two threads evaluating one model from refolding at once.
    private readonly Lock foldLock = new();
    private FoldedConvBatchNorm? folded;

    public ConvolutionalSpec Spec { get; }

    /// <summary>Whether the eval forward without gradients folds the batch norm into the conv (on; off only to
    /// compare the two in tests).</summary>
    internal bool FoldsBatchNorm { get; set; } = true;

    public IReadOnlyList<Tensor> WeightsInFileOrder =>
        bn is not null ? [bn.Bias, bn.Weight, bn.RunningMean, bn.RunningVar, conv.Weight] : [conv.Bias!, conv.Weight];

    public override Tensor Forward(Tensor? previous, IReadOnlyList<Tensor?> outputs)
    {
        Tensor y;
        // Folding needs the running statistics (eval mode) and no gradient to the separate parameters.
        if (bn is not null && FoldsBatchNorm && !bn.training && !torch.is_grad_enabled())
        {
            var f = CurrentFold(bn);
            y = functional.conv2d(previous!, f.Weight, f.Bias, conv.Stride, conv.Padding);
        }
        else
        {
            y = conv.forward(previous!);
            if (bn is not null)
            {
                // A train-mode batch norm moves its running statistics without bumping their version counter (libtorch
                // writes them inside the kernel), so the fold cannot see that change: drop it here.
                if (bn.training) DropFold();
                using var z = y;
                y = bn.forward(z);
            }
        }
        // In place: neither the conv's nor the batch norm's backward reads its own output, and an out-of-place leaky
        // ReLU would keep its input alive for its own backward — a third activation-sized tensor per layer held
        // until backward (width 1 at 416, batch 8: peak resident 6.1 GB out of place, 5.4 GB in place).
        if (Spec.Activation == Activation.Leaky) functional.leaky_relu_(y, 0.1);
        return y;
    }

    private FoldedConvBatchNorm CurrentFold(BatchNorm2d batchNorm)
    {
        lock (foldLock)
        {
            if (folded is null || !folded.IsCurrent(conv, batchNorm))
            {
                folded?.Dispose();
                folded = FoldedConvBatchNorm.Of(conv, batchNorm);
            }
            return folded;
        }
    }

    private void DropFold()
    {
        lock (foldLock)
        {
            folded?.Dispose();
            folded = null;
        }
    }

    public override void Dispose()
    {
        DropFold();
        base.Dispose();
    }
}
