namespace Repro.Training;

/// <summary>
/// Anchors fitted to a dataset's boxes, as darknet's <c>calc_anchors</c> and YOLOv2 do: k-means on box shapes
/// (width, height) with 1 − IoU as the distance, so big and small boxes count alike. YOLOv3's cfg anchors are sized
/// for 416 px inputs on COCO; a profile that trains at 128 px on its own scenes fits anchors to its boxes at its
/// input size instead, so each scale's predictors start near the shapes they must learn.
/// </summary>
public static class AnchorFitting
{
    /// <summary>
    /// <paramref name="k"/> anchors for the given box shapes (model pixels), sorted by area as a cfg lists them.
    /// Deterministic: seeded at the shapes' area quantiles, then Lloyd iterations until no box changes cluster.
    /// </summary>
    public static IReadOnlyList<(float Width, float Height)> Fit(IReadOnlyList<(double Width, double Height)> shapes, int k, int maxIterations = 300)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "at least one anchor");
        if (shapes.Count < k) throw new ArgumentException($"{shapes.Count} boxes cannot fit {k} anchors", nameof(shapes));
        if (shapes.Any(s => !(s.Width > 0 && s.Height > 0))) throw new ArgumentException("every box needs a positive width and height", nameof(shapes));

        var byArea = shapes.OrderBy(s => s.Width * s.Height).ToArray();
        var centres = Enumerable.Range(0, k).Select(i => byArea[(int)((i + 0.5) * byArea.Length / k)]).ToArray();
        var cluster = new int[byArea.Length];
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            var changed = false;
            for (var i = 0; i < byArea.Length; i++)
            {
                var best = Nearest(byArea[i], centres);
                changed |= best != cluster[i] || iteration == 0;
                cluster[i] = best;
            }
            if (!changed) break;
            for (var c = 0; c < k; c++)
            {
                var members = Enumerable.Range(0, byArea.Length).Where(i => cluster[i] == c).Select(i => byArea[i]).ToList();
                // An empty cluster keeps its centre; with quantile seeding it only happens for duplicate shapes.
                if (members.Count > 0) centres[c] = (members.Average(m => m.Width), members.Average(m => m.Height));
            }
        }
        return centres.OrderBy(c => c.Width * c.Height).Select(c => ((float)Math.Round(c.Width, 1), (float)Math.Round(c.Height, 1))).ToList();
    }

    /// <summary>Mean over boxes of the best shape IoU with any anchor: how well the anchors cover the boxes (darknet prints it too).</summary>
    public static double MeanBestIou(IReadOnlyList<(double Width, double Height)> shapes, IReadOnlyList<(float Width, float Height)> anchors) =>
        shapes.Average(s => anchors.Max(a => AnchorAssignment.ShapeIou(s.Width, s.Height, a.Width, a.Height)));

    private static int Nearest((double Width, double Height) shape, (double Width, double Height)[] centres)
    {
        var (best, bestIou) = (0, double.NegativeInfinity);
        for (var c = 0; c < centres.Length; c++)
        {
            var iou = AnchorAssignment.ShapeIou(shape.Width, shape.Height, centres[c].Width, centres[c].Height);
            if (iou > bestIou) (best, bestIou) = (c, iou);
        }
        return best;
    }
}
