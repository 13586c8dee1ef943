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
        using var z = conv.forward(previous!);
        if (bn is null) return Activate(z, Spec.Activation);
        using var normalised = bn.forward(z);
        return Activate(normalised, Spec.Activation);
    }
}
