using Repro.Torch;

namespace Repro.Models.Darknet.Layers;

/// <summary>Passes one earlier output on, or concatenates several along channels.</summary>
internal sealed class RouteLayer(int index, RouteSpec spec) : DarknetLayer(index)
{
    public override Tensor Forward(Tensor? previous, IReadOnlyList<Tensor?> outputs) =>
        spec.Layers.Count == 1
            ? Output(outputs, spec.Layers[0]).alias()
            : torch.cat(spec.Layers.Select(j => Output(outputs, j)).ToList(), 1);
}
