using Repro.Torch;

namespace Repro.Data.Loading;

/// <summary>
/// Decoded image → model input: scale to fit a square, pad the rest with grey (0.5, as darknet does), float CHW
/// in [0, 1]. The same geometry (<see cref="LetterboxTransform"/>) moves the boxes.
/// </summary>
public static class Letterbox
{
    public const float PadValue = 0.5f;

    /// <summary>Letterboxes an H × W × 3 uint8 RGB image into <paramref name="chw"/> (3 · size · size floats).</summary>
    public static LetterboxTransform Apply(Tensor rgb, int size, Span<float> chw)
    {
        var (width, height) = CheckedImage(rgb);
        return Apply(rgb, LetterboxTransform.For(width, height, size), chw);
    }

    /// <summary>
    /// Places an H × W × 3 uint8 RGB image by a given transform (scaled, offset, possibly mirrored; whatever falls
    /// outside the square is cropped) into <paramref name="chw"/>, padding the rest with grey.
    /// </summary>
    public static LetterboxTransform Apply(Tensor rgb, LetterboxTransform t, Span<float> chw)
    {
        var (width, height) = CheckedImage(rgb);
        if (t.SourceWidth != width || t.SourceHeight != height)
            throw new ArgumentException($"the transform is for a {t.SourceWidth}x{t.SourceHeight} image, this one is {width}x{height}");
        var size = t.Size;
        var plane = size * size;
        if (chw.Length != 3 * plane) throw new ArgumentException($"destination holds {chw.Length} floats, a {size}x{size} RGB image needs {3 * plane}");
        using var resized = t.ResizedWidth == t.SourceWidth && t.ResizedHeight == t.SourceHeight
            ? rgb.contiguous()
            : Image.Resize(rgb, t.ResizedHeight, t.ResizedWidth, t.ResizedWidth < t.SourceWidth ? Interpolation.Area : Interpolation.Bilinear);
        chw.Fill(PadValue);
        ReadOnlySpan<byte> pixels = resized.AsSpan<byte>();
        const float inv = 1f / 255f;
        // The part of the resized image that lands inside the square (all of it for a plain letterbox).
        var (x0, x1) = (Math.Max(0, -t.OffsetX), Math.Min(t.ResizedWidth, size - t.OffsetX));
        var (y0, y1) = (Math.Max(0, -t.OffsetY), Math.Min(t.ResizedHeight, size - t.OffsetY));
        for (var y = y0; y < y1; y++)
        {
            var row = pixels.Slice(y * t.ResizedWidth * 3, t.ResizedWidth * 3);
            var o = (y + t.OffsetY) * size;
            var r = chw.Slice(o, size);
            var g = chw.Slice(plane + o, size);
            var b = chw.Slice(2 * plane + o, size);
            for (var x = x0; x < x1; x++)
            {
                var u = t.OffsetX + x;
                if (t.Mirrored) u = size - 1 - u;
                r[u] = row[3 * x] * inv;
                g[u] = row[3 * x + 1] * inv;
                b[u] = row[3 * x + 2] * inv;
            }
        }
        return t;
    }

    private static (int Width, int Height) CheckedImage(Tensor rgb) =>
        rgb.dim() != 3 || rgb.size(2) != 3 || rgb.dtype != ScalarType.Byte
            ? throw new ArgumentException($"expected an H x W x 3 uint8 image, got [{string.Join(", ", rgb.shape)}] {rgb.dtype}")
            : ((int)rgb.size(1), (int)rgb.size(0));

    /// <summary>Reads an image file and letterboxes it to a 1 × 3 × size × size float tensor.</summary>
    public static Tensor Load(string path, int size, out LetterboxTransform transform)
    {
        var chw = new float[3 * size * size];
        using (var rgb = Image.Read(path)) transform = Apply(rgb, size, chw);
        return torch.tensor(chw, 1, 3, size, size);
    }
}
