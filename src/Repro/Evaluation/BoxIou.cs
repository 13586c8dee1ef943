using Repro.Data;
using Repro.Torch;

namespace Repro.Evaluation;

/// <summary>
/// Intersection over union of axis-aligned boxes in continuous pixel coordinates (x2, y2 exclusive, so a box's
/// width is x2 − x1 with no +1). Degenerate boxes have area 0 and IoU 0 with everything.
/// </summary>
internal static class BoxIou
{
    public static double Of(BoundingBox a, BoundingBox b) => Of(a.X1, a.Y1, a.X2, a.Y2, b.X1, b.Y1, b.X2, b.Y2);

    public static double Of(double ax1, double ay1, double ax2, double ay2, double bx1, double by1, double bx2, double by2)
    {
        var iw = Math.Min(ax2, bx2) - Math.Max(ax1, bx1);
        var ih = Math.Min(ay2, by2) - Math.Max(ay1, by1);
        if (iw <= 0 || ih <= 0) return 0;
        var intersection = iw * ih;
        var union = Math.Max(0, ax2 - ax1) * Math.Max(0, ay2 - ay1) + Math.Max(0, bx2 - bx1) * Math.Max(0, by2 - by1) - intersection;
        return union > 0 ? intersection / union : 0;
    }

    /// <summary>
    /// Pairwise IoU of boxes [..., M, 4] against [..., K, 4] (x1, y1, x2, y2; leading dimensions broadcast), giving
    /// [..., M, K].
    /// </summary>
    public static Tensor Pairwise(Tensor boxes1, Tensor boxes2)
    {
        using var scope = torch.NewDisposeScope();
        var a = boxes1.unsqueeze(-2); // … M 1 4
        var b = boxes2.unsqueeze(-3); // … 1 K 4
        var ax1 = a.select(-1, 0); var ay1 = a.select(-1, 1); var ax2 = a.select(-1, 2); var ay2 = a.select(-1, 3);
        var bx1 = b.select(-1, 0); var by1 = b.select(-1, 1); var bx2 = b.select(-1, 2); var by2 = b.select(-1, 3);
        var iw = (ax2.minimum(bx2) - ax1.maximum(bx1)).clamp_min(0);
        var ih = (ay2.minimum(by2) - ay1.maximum(by1)).clamp_min(0);
        var intersection = iw * ih;
        var areaA = (ax2 - ax1).clamp_min(0) * (ay2 - ay1).clamp_min(0);
        var areaB = (bx2 - bx1).clamp_min(0) * (by2 - by1).clamp_min(0);
        // The floor keeps 0/0 (two empty boxes, e.g. padding) at IoU 0 instead of NaN.
        var union = (areaA + areaB - intersection).clamp_min(1e-9);
        return (intersection / union).MoveToOuterDisposeScope();
    }
}
