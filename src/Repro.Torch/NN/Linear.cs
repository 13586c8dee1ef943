namespace Repro.Torch.NN;

/// <summary>y = x·Wᵀ + b, initialised as PyTorch's <c>nn.Linear</c>.</summary>
public sealed class Linear : Module
{
    private readonly Slot weight;
    private readonly Slot? bias;

    public Linear(long inFeatures, long outFeatures, bool bias, Generator generator)
    {
        (InFeatures, OutFeatures) = (inFeatures, outFeatures);
        weight = RegisterParameter("weight", Init.kaiming_uniform([outFeatures, inFeatures], inFeatures, generator));
        if (bias)
        {
            var bound = 1.0 / Math.Sqrt(inFeatures);
            this.bias = RegisterParameter("bias", Init.uniform([outFeatures], -bound, bound, generator));
        }
    }

    public long InFeatures { get; }
    public long OutFeatures { get; }

    public Tensor Weight => weight.Value;
    public Tensor? Bias => bias?.Value;

    public Tensor forward(Tensor input) => functional.linear(input, Weight, Bias);
}
