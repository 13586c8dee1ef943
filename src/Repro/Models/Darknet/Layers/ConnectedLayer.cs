using Repro.Torch;
using Repro.Torch.NN;

namespace Repro.Models.Darknet.Layers;

/// <summary>Fully connected over the flattened input (N × F), with bias; darknet stores bias, then weights.</summary>
internal sealed class ConnectedLayer : DarknetLayer, IDarknetWeighted
{
    private readonly Linear linear;
    private readonly Activation activation;

    public ConnectedLayer(int index, ConnectedSpec spec, long inFeatures, Generator generator) : base(index)
    {
        activation = spec.Activation;
        linear = RegisterModule("linear", new Linear(inFeatures, spec.Output, bias: true, generator));
    }

    public IReadOnlyList<Tensor> WeightsInFileOrder => [linear.Bias!, linear.Weight];

    public override Tensor Forward(Tensor? previous, IReadOnlyList<Tensor?> outputs)
    {
        using var flat = previous!.flatten(1);
        using var y = linear.forward(flat);
        return Activate(y, activation);
    }
}
