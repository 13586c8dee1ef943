namespace Repro.Data.Loading;

/// <summary>
/// Training-time augmentation, drawn per image from (seed, epoch, image) so a resumed run sees exactly the images an
/// uninterrupted one would: the letterbox placed at another scale and position (which may crop the image), a
/// left–right mirror, and a colour jitter (brightness, contrast, saturation). The geometry moves the boxes with it;
/// the colour leaves them alone. Street scenes are left–right symmetric, and scale and position are what a small
/// training set varies least, so these are the jitters that stop a detector from memorising its images.
/// </summary>
public sealed record Augmentation
{
    /// <summary>Image scale relative to the plain letterbox, drawn log-uniformly from [1 / Scale, Scale].</summary>
    public double Scale { get; init; } = 1.25;

    /// <summary>Probability of the mirror image.</summary>
    public double Mirror { get; init; } = 0.5;

    /// <summary>Brightness and contrast factors from [1 − Colour, 1 + Colour]; saturation from twice that range.</summary>
    public double Colour { get; init; } = 0.2;

    private const long Purpose = 0xA06;

    /// <summary>The placement of one image: a jittered letterbox of a width × height image in a size × size input.</summary>
    public LetterboxTransform Placement(int width, int height, int size, long seed, int epoch, int image)
    {
        var rng = new DeterministicRandom(seed, Stream(epoch, image), Purpose);
        var plain = LetterboxTransform.For(width, height, size);
        var scale = Math.Exp(rng.Uniform(-Math.Log(Scale), Math.Log(Scale)));
        var w = Math.Max(1, (int)Math.Round(plain.ResizedWidth * scale));
        var h = Math.Max(1, (int)Math.Round(plain.ResizedHeight * scale));
        // Anywhere the image still covers the square's centre line, inside the padding or cropped by the edges.
        var x = (int)Math.Round(rng.Uniform(Math.Min(0, size - w), Math.Max(0, size - w)));
        var y = (int)Math.Round(rng.Uniform(Math.Min(0, size - h), Math.Max(0, size - h)));
        return new LetterboxTransform(width, height, size, w, h, x, y, rng.Chance(Mirror));
    }

    /// <summary>Colour jitter of one CHW image in [0, 1], in place; clipped back to [0, 1].</summary>
    public void Recolour(Span<float> chw, long seed, int epoch, int image)
    {
        var rng = new DeterministicRandom(seed, Stream(epoch, image), Purpose + 1);
        var brightness = (float)rng.Uniform(1 - Colour, 1 + Colour);
        var contrast = (float)rng.Uniform(1 - Colour, 1 + Colour);
        var saturation = (float)rng.Uniform(1 - 2 * Colour, 1 + 2 * Colour);
        var plane = chw.Length / 3;
        var r = chw[..plane];
        var g = chw.Slice(plane, plane);
        var b = chw.Slice(2 * plane, plane);
        for (var i = 0; i < plane; i++)
        {
            // Saturation around the pixel's grey, contrast around mid-grey, then brightness.
            var grey = 0.299f * r[i] + 0.587f * g[i] + 0.114f * b[i];
            r[i] = Math.Clamp(((grey + saturation * (r[i] - grey) - 0.5f) * contrast + 0.5f) * brightness, 0f, 1f);
            g[i] = Math.Clamp(((grey + saturation * (g[i] - grey) - 0.5f) * contrast + 0.5f) * brightness, 0f, 1f);
            b[i] = Math.Clamp(((grey + saturation * (b[i] - grey) - 0.5f) * contrast + 0.5f) * brightness, 0f, 1f);
        }
    }

    private static long Stream(int epoch, int image) => (long)epoch << 32 | (uint)image;
}
