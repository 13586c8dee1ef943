using System.Xml.Linq;

namespace Repro.Reporting.Plots;

/// <summary>Marker shapes distinct enough to tell layer kinds apart in print and in grey.</summary>
internal enum MarkerShape
{
    Circle,
    Square,
    TriangleUp,
    Diamond,
    TriangleDown,
}

internal static class MarkerGlyph
{
    /// <summary>A marker of about <paramref name="size"/> pixels centred at (x, y).</summary>
    public static XElement Draw(MarkerShape shape, double x, double y, double size, string fill, string stroke, params object?[] extra)
    {
        var r = size / 2;
        var style = new object[] { Svg.A("fill", fill), Svg.A("stroke", stroke), Svg.A("stroke-width", 0.8) };
        return shape switch
        {
            MarkerShape.Circle => Svg.El("circle", Svg.A("cx", x), Svg.A("cy", y), Svg.A("r", r), style, extra),
            MarkerShape.Square => Svg.El("rect", Svg.A("x", x - r * 0.9), Svg.A("y", y - r * 0.9), Svg.A("width", size * 0.9), Svg.A("height", size * 0.9), style, extra),
            MarkerShape.TriangleUp => Polygon(style, extra, (x, y - r * 1.15), (x + r * 1.1, y + r * 0.85), (x - r * 1.1, y + r * 0.85)),
            MarkerShape.TriangleDown => Polygon(style, extra, (x, y + r * 1.15), (x + r * 1.1, y - r * 0.85), (x - r * 1.1, y - r * 0.85)),
            MarkerShape.Diamond => Polygon(style, extra, (x, y - r * 1.25), (x + r * 1.0, y), (x, y + r * 1.25), (x - r * 1.0, y)),
            _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, "Unknown marker shape."),
        };
    }

    private static XElement Polygon(object[] style, object?[] extra, params (double X, double Y)[] points) =>
        Svg.El("polygon", Svg.A("points", string.Join(" ", points.Select(p => $"{Svg.N(p.X)},{Svg.N(p.Y)}"))), style, extra);
}
