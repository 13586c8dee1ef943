namespace Repro.Data.Loading;

/// <summary>
/// The geometry of a letterbox: the source image scaled by one factor to fit a Size × Size square (rounded to
/// whole pixels) and centred on padding. <see cref="Forward"/> maps boxes from source to model pixels;
/// <see cref="Inverse"/> maps detections back. Scales are per axis so both directions are exact despite rounding.
/// Training augmentation (<see cref="Augmentation"/>) moves the same geometry: another scale, an offset anywhere
/// (negative or past the edge crops the image), and a left–right mirror.
/// </summary>
public readonly record struct LetterboxTransform(int SourceWidth, int SourceHeight, int Size, int ResizedWidth, int ResizedHeight, int OffsetX, int OffsetY,
    bool Mirrored = false)
{
    public static LetterboxTransform For(int sourceWidth, int sourceHeight, int size)
    {
        if (sourceWidth <= 0 || sourceHeight <= 0) throw new ArgumentException($"image size {sourceWidth}x{sourceHeight} must be positive");
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), size, "model input size must be positive");
        var scale = (double)size / Math.Max(sourceWidth, sourceHeight);
        var w = Math.Clamp((int)Math.Round(sourceWidth * scale), 1, size);
        var h = Math.Clamp((int)Math.Round(sourceHeight * scale), 1, size);
        return new LetterboxTransform(sourceWidth, sourceHeight, size, w, h, (size - w) / 2, (size - h) / 2);
    }

    public double ScaleX => (double)ResizedWidth / SourceWidth;

    public double ScaleY => (double)ResizedHeight / SourceHeight;

    public BoundingBox Forward(BoundingBox b)
    {
        var (x1, x2) = (b.X1 * ScaleX + OffsetX, b.X2 * ScaleX + OffsetX);
        if (Mirrored) (x1, x2) = (Size - x2, Size - x1);
        return b with { X1 = (float)x1, Y1 = (float)(b.Y1 * ScaleY + OffsetY), X2 = (float)x2, Y2 = (float)(b.Y2 * ScaleY + OffsetY) };
    }

    /// <summary>
    /// <see cref="Forward"/>, then clipped to the model input. Null when too little of the box is left inside to
    /// learn from (under <paramref name="minVisible"/> of its area, or under 2 px on a side): a box cropped away by
    /// augmentation would otherwise teach the detector to find objects it cannot see.
    /// </summary>
    public BoundingBox? ForwardClipped(BoundingBox b, double minVisible = 0.4)
    {
        var f = Forward(b);
        var c = f with
        {
            X1 = Math.Clamp(f.X1, 0, Size), Y1 = Math.Clamp(f.Y1, 0, Size), X2 = Math.Clamp(f.X2, 0, Size), Y2 = Math.Clamp(f.Y2, 0, Size),
        };
        if (c.Width < 2 || c.Height < 2) return null;
        return (double)c.Width * c.Height >= minVisible * f.Width * f.Height ? c : null;
    }

    /// <summary>Model pixels → source pixels, clipped to the source image (detections may reach into the padding).</summary>
    public BoundingBox Inverse(BoundingBox b) => b with
    {
        X1 = (float)Math.Clamp((b.X1 - OffsetX) / ScaleX, 0, SourceWidth),
        Y1 = (float)Math.Clamp((b.Y1 - OffsetY) / ScaleY, 0, SourceHeight),
        X2 = (float)Math.Clamp((b.X2 - OffsetX) / ScaleX, 0, SourceWidth),
        Y2 = (float)Math.Clamp((b.Y2 - OffsetY) / ScaleY, 0, SourceHeight),
    };
}
