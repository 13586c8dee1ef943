using System.Globalization;

namespace Repro.Reporting.Plots;

/// <summary>An sRGB colour, written as lower-case #rrggbb.</summary>
internal readonly record struct Rgb(byte R, byte G, byte B)
{
    public string Hex => $"#{R:x2}{G:x2}{B:x2}";

    public static Rgb Parse(string hex)
    {
        if (hex.Length != 7 || hex[0] != '#' || !int.TryParse(hex.AsSpan(1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var v))
            throw new FormatException($"Colour '{hex}' is not of the form #rrggbb.");
        return new Rgb((byte)(v >> 16), (byte)(v >> 8), (byte)v);
    }

    /// <summary>Linear interpolation in sRGB, rounded to the nearest level.</summary>
    public static Rgb Lerp(Rgb a, Rgb b, double t) => new(Mix(a.R, b.R, t), Mix(a.G, b.G, t), Mix(a.B, b.B, t));

    private static byte Mix(byte a, byte b, double t) => (byte)Math.Round(a + (b - a) * t, MidpointRounding.AwayFromZero);

    public override string ToString() => Hex;
}
