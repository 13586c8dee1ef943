using Repro.Torch;
using Repro.Torch.NN;

namespace Repro.Models.Darknet.Layers;

/// <summary>
/// Conv → batch norm → activation; without batch norm the conv has a bias (darknet's linear output convs).
/// Batch norm uses PyTorch's defaults (momentum 0.1, ε 1e-5): the pre-trained statistics carry over unchanged and
/// fine-tuning follows the common PyTorch YOLOv3 ports.
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

    public ConvolutionalSpec Spec { get; }

    public IReadOnlyList<Tensor> WeightsInFileOrder =>
        bn is not null ? [bn.Bias, bn.Weight, bn.RunningMean, bn.RunningVar, conv.Weight] : [conv.Bias!, conv.Weight];

    public override Tensor Forward(Tensor? previous, IReadOnlyList<Tensor?> outputs)
    {
        var y = conv.forward(previous!);
        if (bn is not null)
        {
            using var z = y;
            y = bn.forward(z);
        }
        // In place: neither the conv's nor the batch norm's backward reads its own output, and an out-of-place leaky
        // ReLU would keep its input alive for its own backward — a third activation-sized tensor per layer held
        // until backward (width 1 at 416, batch 8: peak resident 6.1 GB out of place, 5.4 GB in place).
        if (Spec.Activation == Activation.Leaky) functional.leaky_relu_(y, 0.1);
        return y;
    }
}
