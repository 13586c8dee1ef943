using Repro.Torch;
using Repro.Torch.NN;

namespace Repro.Models;

/// <summary>
/// One YOLO detection scale: the layer that emits it, its anchors (width, height in input pixels) and the number
/// of classes. A raw output of this scale is N × (A·(5 + C)) × G × G, per anchor: tx, ty, tw, th, objectness,
/// then C class logits (darknet's layout).
/// </summary>
public sealed record YoloHeadSpec(int LayerIndex, IReadOnlyList<(float Width, float Height)> Anchors, int Classes, double IgnoreThreshold);

/// <summary>A YOLO-style detector: what the loss, the trainer and the evaluator need of a model.</summary>
public interface IDetector : ILayerwiseNetwork
{
    /// <summary>The module holding every parameter (for optimizers, checkpoints, train/eval, freezing).</summary>
    Module Module { get; }

    /// <summary>The detection scales, in the order <see cref="Forward"/> returns them.</summary>
    IReadOnlyList<YoloHeadSpec> Heads { get; }

    /// <summary>
    /// The detection outputs for images N × 3 × H × W in [0, 1]: raw per-scale predictions (with gradients when
    /// enabled) and, in eval mode, those predictions decoded to boxes and scores.
    /// </summary>
    DetectorOutput Forward(Tensor images);
}
