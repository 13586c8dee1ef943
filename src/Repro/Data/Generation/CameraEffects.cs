namespace Repro.Data.Generation;

/// <summary>
/// What a dashcam does to a scene that a game engine does not: white balance and exposure errors, night and rain,
/// optical blur, vignetting, sensor noise, and (when written) JPEG compression. Each strength is the realism level
/// times that effect's knob, so level 0 leaves the clean render untouched.
/// </summary>
internal static class CameraEffects
{
    public readonly record struct Outcome(bool Night, bool Rain, int JpegQuality);

    public static Outcome Apply(Canvas canvas, Realism realism, DeterministicRandom rng)
    {
        var p = canvas.Pixels;
        var w = canvas.Width;
        var h = canvas.Height;
        // Draw every random decision first, in a fixed order, so a knob at zero does not shift the others.
        var night = rng.Chance(0.3 * realism.Effective(realism.Night));
        var rain = rng.Chance(0.2 * realism.Effective(realism.Rain));
        var wb = realism.Effective(realism.WhiteBalance);
        var gains = new[] { 1 + wb * rng.Normal(0, 0.07), 1 + wb * rng.Normal(0, 0.04), 1 + wb * rng.Normal(0, 0.07) };
        var exposure = Math.Pow(2, realism.Effective(realism.Exposure) * rng.Normal(0, 0.35));
        var blur = realism.Effective(realism.Blur) * rng.Uniform(0.6, 1.6);
        var vignette = 0.4 * realism.Effective(realism.Vignetting);
        var noise = realism.Effective(realism.Noise) * rng.Uniform(0.015, 0.03) * (night ? 2 : 1);
        var jpegStrength = realism.Effective(realism.Jpeg);
        var quality = jpegStrength > 0 ? (int)Math.Round(95 - jpegStrength * rng.Uniform(20, 50)) : 95;
        var rainSeed = rng.NextUInt64();
        var noiseSeed = rng.NextUInt64();

        if (night)
        {
            // Dark, blue-shifted and lifted shadows: street light on a dark scene.
            for (var i = 0; i < p.Length; i += 3)
            {
                p[i] = 0.02f + p[i] * 0.22f;
                p[i + 1] = 0.025f + p[i + 1] * 0.24f;
                p[i + 2] = 0.04f + p[i + 2] * 0.3f;
            }
        }
        if (rain) AddRain(canvas, new DeterministicRandom(rainSeed));
        for (var i = 0; i < p.Length; i += 3)
        {
            p[i] = (float)(p[i] * gains[0] * exposure);
            p[i + 1] = (float)(p[i + 1] * gains[1] * exposure);
            p[i + 2] = (float)(p[i + 2] * gains[2] * exposure);
        }
        if (blur > 0) Blur(p, w, h, blur);
        if (vignette > 0)
        {
            var cx = w / 2.0;
            var cy = h / 2.0;
            var norm = cx * cx + cy * cy;
            for (var y = 0; y < h; y++)
                for (var x = 0; x < w; x++)
                {
                    var dx = x + 0.5 - cx;
                    var dy = y + 0.5 - cy;
                    var k = (float)(1 - vignette * (dx * dx + dy * dy) / norm);
                    var i = 3 * (y * w + x);
                    p[i] *= k;
                    p[i + 1] *= k;
                    p[i + 2] *= k;
                }
        }
        if (noise > 0)
        {
            var n = new DeterministicRandom(noiseSeed);
            for (var i = 0; i < p.Length; i++)
            {
                // Shot noise grows with brightness, read noise does not: sigma² = a + b·signal.
                var signal = Math.Max(p[i], 0);
                var sigma = noise * Math.Sqrt(0.5 + signal);
                p[i] += (float)(sigma * ApproximateNormal(n));
            }
        }
        return new Outcome(night, rain, Math.Clamp(quality, 30, 95));
    }

    // Irwin–Hall with four uniforms from one 64-bit draw: close to normal, several times cheaper than Box–Muller.
    private static double ApproximateNormal(DeterministicRandom rng)
    {
        var r = rng.NextUInt64();
        double sum = (r & 0xFFFF) + ((r >> 16) & 0xFFFF) + ((r >> 32) & 0xFFFF) + (r >> 48);
        return (sum / 65535.0 - 2.0) * 1.7320508075688772;
    }

    private static void AddRain(Canvas canvas, DeterministicRandom rng)
    {
        var p = canvas.Pixels;
        // Haze towards grey, then bright slanted streaks.
        for (var i = 0; i < p.Length; i++) p[i] = p[i] * 0.75f + 0.12f;
        var streaks = canvas.Width * canvas.Height / 150;
        var slant = rng.Uniform(-0.3, 0.3);
        for (var s = 0; s < streaks; s++)
        {
            var x0 = rng.Uniform(0, canvas.Width);
            var y0 = rng.Uniform(0, canvas.Height);
            var length = canvas.Height * rng.Uniform(0.03, 0.08);
            for (var t = 0; t < length; t++)
            {
                var x = (int)(x0 + slant * t);
                var y = (int)(y0 + t);
                if (x < 0 || x >= canvas.Width || y >= canvas.Height) break;
                var i = 3 * (y * canvas.Width + x);
                p[i] += 0.12f;
                p[i + 1] += 0.12f;
                p[i + 2] += 0.14f;
            }
        }
    }

    // Separable [1 2 1]/4 passes; the fractional part of the strength blends in one more pass.
    private static void Blur(float[] p, int w, int h, double strength)
    {
        var passes = (int)Math.Floor(strength);
        var fraction = strength - passes;
        var tmp = new float[p.Length];
        for (var k = 0; k < passes; k++) BlurPass(p, tmp, w, h, 1);
        if (fraction > 0) BlurPass(p, tmp, w, h, (float)fraction);
    }

    private static void BlurPass(float[] p, float[] tmp, int w, int h, float amount)
    {
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            {
                var xl = Math.Max(x - 1, 0);
                var xr = Math.Min(x + 1, w - 1);
                for (var c = 0; c < 3; c++)
                    tmp[3 * (y * w + x) + c] = 0.25f * p[3 * (y * w + xl) + c] + 0.5f * p[3 * (y * w + x) + c] + 0.25f * p[3 * (y * w + xr) + c];
            }
        for (var y = 0; y < h; y++)
        {
            var yu = Math.Max(y - 1, 0);
            var yd = Math.Min(y + 1, h - 1);
            for (var x = 0; x < w; x++)
                for (var c = 0; c < 3; c++)
                {
                    var i = 3 * (y * w + x) + c;
                    var blurred = 0.25f * tmp[3 * (yu * w + x) + c] + 0.5f * tmp[i] + 0.25f * tmp[3 * (yd * w + x) + c];
                    p[i] += amount * (blurred - p[i]);
                }
        }
    }

    public static byte[] Quantize(Canvas canvas)
    {
        var p = canvas.Pixels;
        var bytes = new byte[p.Length];
        for (var i = 0; i < p.Length; i++) bytes[i] = (byte)Math.Clamp((int)MathF.Round(p[i] * 255f), 0, 255);
        return bytes;
    }
}
