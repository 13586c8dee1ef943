using Repro.Torch;
using Repro.Torch.NN;

namespace Repro.Models.Darknet.Layers;

/// <summary>Global average pooling: N×C×H×W → N×C×1×1.</summary>
internal sealed class AvgPoolLayer(int index) : DarknetLayer(index)
{
    public override Tensor Forward(Tensor? previous, IReadOnlyList<Tensor?> outputs) => functional.adaptive_avg_pool2d(previous!, 1, 1);
}
