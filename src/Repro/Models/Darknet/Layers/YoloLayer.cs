using Repro.Torch;

namespace Repro.Models.Darknet.Layers;

/// <summary>
/// A detection layer. It passes the raw predictions of the conv before it through unchanged: the loss and the box
/// decoder interpret them (layout in <see cref="YoloHeadSpec"/>), and layer-wise analysis sees this layer's
/// output as its input, so both have the same similarity.
/// </summary>
internal sealed class YoloLayer(int index, YoloSpec spec) : DarknetLayer(index)
{
    public YoloSpec Spec { get; } = spec;

    public override Tensor Forward(Tensor? previous, IReadOnlyList<Tensor?> outputs) => previous!.alias();
}
