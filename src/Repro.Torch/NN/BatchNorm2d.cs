namespace Repro.Torch.NN;

/// <summary>Batch normalisation per channel, as PyTorch's <c>nn.BatchNorm2d</c> (γ = 1, β = 0 at start).</summary>
public sealed class BatchNorm2d : Module
{
    private readonly Slot weight, bias, runningMean, runningVar;

    public BatchNorm2d(long channels, double momentum = 0.1, double eps = 1e-5)
    {
        (Channels, Momentum, Eps) = (channels, momentum, eps);
        weight = RegisterParameter("weight", torch.ones([channels]));
        bias = RegisterParameter("bias", torch.zeros([channels]));
        runningMean = RegisterBuffer("running_mean", torch.zeros([channels]));
        runningVar = RegisterBuffer("running_var", torch.ones([channels]));
    }

    public long Channels { get; }
    public double Momentum { get; }
    public double Eps { get; }

    public Tensor Weight => weight.Value;
    public Tensor Bias => bias.Value;
    public Tensor RunningMean => runningMean.Value;
    public Tensor RunningVar => runningVar.Value;

    public Tensor forward(Tensor input) =>
        functional.batch_norm(input, RunningMean, RunningVar, Weight, Bias, training, Momentum, Eps);

    /// <summary>This batch norm followed by a leaky ReLU: in training mode the fused
    /// <see cref="functional.batch_norm_leaky_relu"/>, in eval mode the two ops (the activation in place).</summary>
    public Tensor forward_leaky_relu(Tensor input, double negativeSlope)
    {
        if (training)
            return functional.batch_norm_leaky_relu(input, RunningMean, RunningVar, Weight, Bias, Momentum, Eps, negativeSlope);
        return functional.leaky_relu_(forward(input), negativeSlope);
    }
}
