using Repro.Torch;

namespace Repro.Models;

/// <summary>
/// The geometry of one raw YOLO output, shared by the loss (which decodes to find predictions to ignore) and the
/// evaluator (which decodes to detections): box centre = (sigmoid(t) + cell) · stride, size = exp(t) · anchor,
/// with stride = input size / grid size per axis.
/// </summary>
internal static class YoloBoxes
{
    /// <summary>exp(tw) is capped at exp(this) when decoding, so a wild logit cannot give an infinite box.</summary>
    public const double MaxLogScale = 12;

    /// <summary>
    /// Checks a raw output N × (A·(5 + C)) × Gh × Gw against its head and returns it as N × A × Gh × Gw × (5 + C)
    /// (a view: tx, ty, tw, th, objectness, class logits last).
    /// </summary>
    public static Tensor Rearrange(Tensor raw, YoloHeadSpec head, int headIndex)
    {
        var shape = raw.shape;
        var anchors = head.Anchors.Count;
        var perAnchor = 5 + head.Classes;
        if (shape.Length != 4 || shape[1] != anchors * perAnchor)
            throw new ArgumentException(
                $"output of head {headIndex} (layer {head.LayerIndex}) has shape [{string.Join(", ", shape)}], " +
                $"expected N × {anchors * perAnchor} × G × G ({anchors} anchors × (5 + {head.Classes} classes))");
        using var view = raw.view(shape[0], anchors, perAnchor, shape[2], shape[3]);
        return view.permute(0, 1, 3, 4, 2);
    }

    /// <summary>
    /// Boxes N × A × Gh × Gw × 4 (x1, y1, x2, y2 in input pixels) from a rearranged output (see
    /// <see cref="Rearrange"/>), in the output's dtype and device.
    /// </summary>
    public static Tensor Decode(Tensor rearranged, YoloHeadSpec head, int inputWidth, int inputHeight)
    {
        using var scope = torch.NewDisposeScope();
        var shape = rearranged.shape;
        var (gridH, gridW) = (shape[2], shape[3]);
        var strideX = (double)inputWidth / gridW;
        var strideY = (double)inputHeight / gridH;
        var dtype = rearranged.dtype;
        var device = rearranged.device;
        var cellX = torch.arange(0, gridW, 1, dtype, device).view(1, 1, 1, gridW);
        var cellY = torch.arange(0, gridH, 1, dtype, device).view(1, 1, gridH, 1);
        var anchorW = torch.tensor(head.Anchors.Select(a => (double)a.Width).ToArray()).to(dtype, device).view(1, -1, 1, 1);
        var anchorH = torch.tensor(head.Anchors.Select(a => (double)a.Height).ToArray()).to(dtype, device).view(1, -1, 1, 1);

        var cx = (rearranged.select(-1, 0).sigmoid() + cellX) * strideX;
        var cy = (rearranged.select(-1, 1).sigmoid() + cellY) * strideY;
        var halfW = rearranged.select(-1, 2).clamp_max(MaxLogScale).exp() * anchorW * 0.5;
        var halfH = rearranged.select(-1, 3).clamp_max(MaxLogScale).exp() * anchorH * 0.5;
        return torch.stack([cx - halfW, cy - halfH, cx + halfW, cy + halfH], -1).MoveToOuterDisposeScope();
    }
}
