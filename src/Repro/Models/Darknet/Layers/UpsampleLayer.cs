using Repro.Torch;
using Repro.Torch.NN;

namespace Repro.Models.Darknet.Layers;

/// <summary>Nearest-neighbour upsampling by the cfg's stride.</summary>
internal sealed class UpsampleLayer(int index, UpsampleSpec spec) : DarknetLayer(index)
{
    public override Tensor Forward(Tensor? previous, IReadOnlyList<Tensor?> outputs) => functional.interpolate(previous!, spec.Stride);
}
