using Repro.Torch;

namespace Repro.Models;

/// <summary>
/// A network whose every layer output can be observed in one forward pass — what layer-wise analysis (CKA,
/// activation statistics) needs. YOLOv3 built from a darknet cfg implements it with layers numbered as darknet
/// numbers them (0–106).
/// </summary>
public interface ILayerwiseNetwork
{
    /// <summary>Number of addressable layers, numbered 0 … LayerCount − 1.</summary>
    int LayerCount { get; }

    /// <summary>
    /// Runs images (N × 3 × H × W, float in [0, 1]) through the network in eval mode without gradients and calls
    /// <paramref name="onLayer"/> with each wanted layer's output (N × C × H × W or N × F) as soon as it exists.
    /// The tensor is only valid during the callback: copy or reduce it there. Layers are reported in increasing
    /// index order; <paramref name="wanted"/> null means every layer. Layers after the last wanted one need not run.
    /// </summary>
    void ForwardLayers(Tensor images, Action<int, Tensor> onLayer, IReadOnlySet<int>? wanted = null);
}
