using Repro.Torch;

namespace Repro.Models.Darknet.Layers;

/// <summary>Residual addition of the previous layer and an earlier one.</summary>
internal sealed class ShortcutLayer(int index, ShortcutSpec spec) : DarknetLayer(index)
{
    public override Tensor Forward(Tensor? previous, IReadOnlyList<Tensor?> outputs)
    {
        using var sum = previous! + Output(outputs, spec.From);
        return Activate(sum, spec.Activation);
    }
}
