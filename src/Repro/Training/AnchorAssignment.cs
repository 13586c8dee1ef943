using Repro.Data;
using Repro.Models;

namespace Repro.Training;

/// <summary>
/// Where one ground-truth box is learned: the scale (head), the anchor within it and the grid cell holding the
/// box centre, with the regression targets YOLOv3 uses there.
/// </summary>
/// <param name="Head">Index into the detector's heads.</param>
/// <param name="Anchor">Index of the anchor within that head.</param>
/// <param name="CellX">Grid column of the box centre.</param>
/// <param name="CellY">Grid row of the box centre.</param>
/// <param name="OffsetX">Target for sigmoid(tx): the centre's position inside its cell, in [0, 1).</param>
/// <param name="OffsetY">Target for sigmoid(ty).</param>
/// <param name="LogWidth">Target for tw: log(box width / anchor width).</param>
/// <param name="LogHeight">Target for th: log(box height / anchor height).</param>
internal readonly record struct AnchorMatch(int Head, int Anchor, int CellX, int CellY,
    double OffsetX, double OffsetY, double LogWidth, double LogHeight);

/// <summary>
/// YOLOv3's assignment of ground truth to predictors: each box goes to the single anchor, across all scales, whose
/// shape (width, height, both centred at the origin) overlaps it best; the box is then learned by that anchor in
/// the grid cell of that scale that holds the box centre.
/// </summary>
internal static class AnchorAssignment
{
    /// <summary>IoU of two boxes of the given sizes placed on the same centre (position plays no part).</summary>
    public static double ShapeIou(double width1, double height1, double width2, double height2)
    {
        var intersection = Math.Min(width1, width2) * Math.Min(height1, height2);
        var union = width1 * height1 + width2 * height2 - intersection;
        return union > 0 ? intersection / union : 0;
    }

    /// <summary>
    /// The best anchor across all heads (ties go to the first in head order, then anchor order) and the cell of
    /// the box centre in that head's grid. <paramref name="gridSizes"/> are (width, height) per head.
    /// </summary>
    public static AnchorMatch Assign(BoundingBox box, IReadOnlyList<YoloHeadSpec> heads,
        IReadOnlyList<(int Width, int Height)> gridSizes, int inputWidth, int inputHeight)
    {
        var (bestHead, bestAnchor, bestIou) = (-1, -1, double.NegativeInfinity);
        for (var h = 0; h < heads.Count; h++)
            for (var a = 0; a < heads[h].Anchors.Count; a++)
            {
                var (aw, ah) = heads[h].Anchors[a];
                var iou = ShapeIou(box.Width, box.Height, aw, ah);
                if (iou > bestIou) (bestHead, bestAnchor, bestIou) = (h, a, iou);
            }
        if (bestHead < 0) throw new ArgumentException("the detector has no anchors", nameof(heads));

        var (gridW, gridH) = gridSizes[bestHead];
        var strideX = (double)inputWidth / gridW;
        var strideY = (double)inputHeight / gridH;
        var gx = (box.X1 + box.X2) / 2.0 / strideX;
        var gy = (box.Y1 + box.Y2) / 2.0 / strideY;
        // A centre on the far edge belongs to the last cell.
        var cellX = Math.Clamp((int)Math.Floor(gx), 0, gridW - 1);
        var cellY = Math.Clamp((int)Math.Floor(gy), 0, gridH - 1);
        var (anchorW, anchorH) = heads[bestHead].Anchors[bestAnchor];
        return new AnchorMatch(bestHead, bestAnchor, cellX, cellY,
            gx - cellX, gy - cellY, Math.Log(box.Width / anchorW), Math.Log(box.Height / anchorH));
    }
}
