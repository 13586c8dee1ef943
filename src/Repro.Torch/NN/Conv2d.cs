namespace Repro.Torch.NN;

/// <summary>A 2-D convolution with a square kernel, initialised as PyTorch's <c>nn.Conv2d</c>.</summary>
public sealed class Conv2d : Module
{
    private readonly Slot weight;
    private readonly Slot? bias;

    public Conv2d(long inChannels, long outChannels, long kernelSize, long stride, long padding, bool bias, Generator generator)
    {
        (InChannels, OutChannels, KernelSize, Stride, Padding) = (inChannels, outChannels, kernelSize, stride, padding);
        var fanIn = inChannels * kernelSize * kernelSize;
        weight = RegisterParameter("weight", Init.kaiming_uniform([outChannels, inChannels, kernelSize, kernelSize], fanIn, generator));
        if (bias)
        {
            var bound = 1.0 / Math.Sqrt(fanIn);
            this.bias = RegisterParameter("bias", Init.uniform([outChannels], -bound, bound, generator));
        }
    }

    public long InChannels { get; }
    public long OutChannels { get; }
    public long KernelSize { get; }
    public long Stride { get; }
    public long Padding { get; }

    public Tensor Weight => weight.Value;
    public Tensor? Bias => bias?.Value;

    public Tensor forward(Tensor input) => functional.conv2d(input, Weight, Bias, Stride, Padding);
}
