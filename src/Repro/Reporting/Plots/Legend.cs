using System.Xml.Linq;

namespace Repro.Reporting.Plots;

/// <summary>A legend entry: a line (series), a marker (layer kind), or a filled swatch (region, band).</summary>
internal abstract record LegendEntry(string Label)
{
    public sealed record LineEntry(string Label, string Colour) : LegendEntry(Label);

    public sealed record MarkerEntry(string Label, MarkerShape Shape) : LegendEntry(Label);

    public sealed record SwatchEntry(string Label, string Colour, double Opacity = 1) : LegendEntry(Label);
}

/// <summary>A column of legend entries to the right of the plot, where it can never hide data.</summary>
internal static class Legend
{
    public const double RowHeight = 20;

    public static XElement Draw(double left, double top, IEnumerable<LegendEntry> entries)
    {
        var g = Svg.El("g", Svg.A("class", "legend"));
        var y = top;
        foreach (var entry in entries)
        {
            var item = Svg.El("g", Svg.A("class", "legend-item"));
            var swatch = entry switch
            {
                LegendEntry.LineEntry l => Svg.Line(left, y, left + 24, y, l.Colour, 2.5),
                LegendEntry.MarkerEntry m => MarkerGlyph.Draw(m.Shape, left + 12, y, 8, "#ffffff", Palette.Axis),
                LegendEntry.SwatchEntry s => Svg.Rect(left + 2, y - 6, 20, 12, s.Colour, Svg.A("fill-opacity", s.Opacity), Svg.A("stroke", "#999999"), Svg.A("stroke-width", 0.5)),
                _ => throw new ArgumentOutOfRangeException(nameof(entries), entry, "Unknown legend entry."),
            };
            item.Add(swatch, Svg.Text(left + 32, y + 4, entry.Label, "start", 12));
            g.Add(item);
            y += RowHeight;
        }
        return g;
    }
}
