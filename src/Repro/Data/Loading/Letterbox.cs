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
        if (rgb.dim() != 3 || rgb.size(2) != 3 || rgb.dtype != ScalarType.Byte)
            throw new ArgumentException($"expected an H x W x 3 uint8 image, got [{string.Join(", ", rgb.shape)}] {rgb.dtype}");
        var plane = size * size;
        if (chw.Length != 3 * plane) throw new ArgumentException($"destination holds {chw.Length} floats, a {size}x{size} RGB image needs {3 * plane}");
        var t = LetterboxTransform.For((int)rgb.size(1), (int)rgb.size(0), size);
        using var resized = t.ResizedWidth == t.SourceWidth && t.ResizedHeight == t.SourceHeight
            ? rgb.contiguous()
            : Image.Resize(rgb, t.ResizedHeight, t.ResizedWidth, t.ResizedWidth < t.SourceWidth ? Interpolation.Area : Interpolation.Bilinear);
        chw.Fill(PadValue);
        ReadOnlySpan<byte> pixels = resized.AsSpan<byte>();
        const float inv = 1f / 255f;
        for (var y = 0; y < t.ResizedHeight; y++)
        {
            var row = pixels.Slice(y * t.ResizedWidth * 3, t.ResizedWidth * 3);
            var o = (y + t.OffsetY) * size + t.OffsetX;
            var r = chw.Slice(o, t.ResizedWidth);
            var g = chw.Slice(plane + o, t.ResizedWidth);
            var b = chw.Slice(2 * plane + o, t.ResizedWidth);
            for (var x = 0; x < t.ResizedWidth; x++)
            {
                r[x] = row[3 * x] * inv;
                g[x] = row[3 * x + 1] * inv;
                b[x] = row[3 * x + 2] * inv;
            }
        }
        return t;
    }

    /// <summary>Reads an image file and letterboxes it to a 1 × 3 × size × size float tensor.</summary>
    public static Tensor Load(string path, int size, out LetterboxTransform transform)
    {
        var chw = new float[3 * size * size];
        using (var rgb = Image.Read(path)) transform = Apply(rgb, size, chw);
        return torch.tensor(chw, 1, 3, size, size);
    }
}
