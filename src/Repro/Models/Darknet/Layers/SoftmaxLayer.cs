using Repro.Torch;
using Repro.Torch.NN;

namespace Repro.Models.Darknet.Layers;

/// <summary>Softmax over the flattened features (N × F).</summary>
internal sealed class SoftmaxLayer(int index) : DarknetLayer(index)
{
    public override Tensor Forward(Tensor? previous, IReadOnlyList<Tensor?> outputs)
    {
        using var flat = previous!.flatten(1);
        return functional.softmax(flat, 1);
    }
}
