namespace Repro.Data.Reading;

/// <summary>
/// Clipping and the two GTAV filters of the paper. The hood test is geometric because the ego vehicle is labelled
/// as an ordinary vehicle: a box that touches the bottom edge, spans much of the width and stays in the lower part
/// of the frame is the hood. The area threshold is in pixels of the image as read; <see cref="AreaReferenceWidth"/>
/// scales it by (width / reference)² for datasets rendered smaller than the original (100 px² at 1920 wide).
/// </summary>
public sealed record BoxFilter
{
    public bool DropHood { get; init; } = true;

    /// <summary>The hood touches the bottom edge within this fraction of the image height.</summary>
    public double HoodBottomTolerance { get; init; } = 0.02;

    /// <summary>The hood is at least this fraction of the image width wide.</summary>
    public double HoodMinWidthFraction { get; init; } = 0.5;

    /// <summary>The hood's top edge is below this fraction of the image height.</summary>
    public double HoodMinTopFraction { get; init; } = 0.6;

    public bool DropSmall { get; init; } = true;

    /// <summary>Boxes with area (px²) below this are dropped.</summary>
    public double MinArea { get; init; } = 100;

    /// <summary>When set, <see cref="MinArea"/> is meant at this image width and scales with the square of the ratio.</summary>
    public int? AreaReferenceWidth { get; init; }

    /// <summary>The paper's GTAV filters: hood and area below 100 px², both on.</summary>
    public static BoxFilter Gtav { get; } = new();

    /// <summary>No hood or area filter (BDD100K in the paper); clipping still applies.</summary>
    public static BoxFilter None { get; } = new() { DropHood = false, DropSmall = false };

    public double MinAreaFor(int imageWidth) =>
        AreaReferenceWidth is { } reference ? MinArea * Math.Pow((double)imageWidth / reference, 2) : MinArea;

    public bool IsHood(float x1, float y1, float x2, float y2, int width, int height) =>
        y2 >= height * (1 - HoodBottomTolerance)
        && x2 - x1 >= width * HoodMinWidthFraction
        && y1 >= height * HoodMinTopFraction;

    /// <summary>
    /// Clips a box to the image and applies the filters; false (and a counted drop) when the box does not survive.
    /// A box with no area in the image, and one clipped because it reached outside, is also named in the report
    /// (<paramref name="item"/>: the file and row it came from).
    /// </summary>
    internal bool TryAccept(CommonClass cls, double x1, double y1, double x2, double y2, int width, int height,
                            ReadReport report, out BoundingBox box, Func<string>? item = null)
    {
        box = default;
        string Box() => FormattableString.Invariant($"box [{x1}, {y1}, {x2}, {y2}]");
        if (!double.IsFinite(x1) || !double.IsFinite(y1) || !double.IsFinite(x2) || !double.IsFinite(y2))
        {
            report.Drop(DropReason.NonPositiveArea);
            if (item is not null) report.Note($"{item()}: {Box()} is not finite; dropped");
            return false;
        }
        var cx1 = Math.Clamp(x1, 0, width);
        var cy1 = Math.Clamp(y1, 0, height);
        var cx2 = Math.Clamp(x2, 0, width);
        var cy2 = Math.Clamp(y2, 0, height);
        if (cx2 - cx1 <= 0 || cy2 - cy1 <= 0)
        {
            report.Drop(DropReason.NonPositiveArea);
            if (item is not null) report.Note($"{item()}: {Box()} has no area inside the {width}x{height} image; dropped");
            return false;
        }
        if (cx1 != x1 || cy1 != y1 || cx2 != x2 || cy2 != y2)
        {
            report.ClippedBoxes++;
            if (item is not null) report.Note($"{item()}: {Box()} reaches outside the {width}x{height} image; clipped to it");
        }
        if (DropHood && IsHood((float)cx1, (float)cy1, (float)cx2, (float)cy2, width, height))
        {
            report.Drop(DropReason.Hood);
            return false;
        }
        if (DropSmall && (cx2 - cx1) * (cy2 - cy1) < MinAreaFor(width))
        {
            report.Drop(DropReason.SmallArea);
            return false;
        }
        box = new BoundingBox(cls, (float)cx1, (float)cy1, (float)cx2, (float)cy2);
        return true;
    }
}
