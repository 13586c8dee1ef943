using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Repro.Reporting.Plots;

/// <summary>
/// The look every figure shares, in one place (docs/figures.md: restyling a figure): the font and its sizes, the
/// colours, the grid, and the legend to the right of the data, where it can never hide a curve.
/// </summary>
internal static class FigureStyle
{
    /// <summary>Okabe and Ito's qualitative palette: told apart by colour-blind readers, and in grey by lightness.</summary>
    public static readonly IReadOnlyList<Color> Series =
    [
        Color.FromHex("#0072b2"), Color.FromHex("#d55e00"), Color.FromHex("#009e73"), Color.FromHex("#cc79a7"),
        Color.FromHex("#e69f00"), Color.FromHex("#56b4e9"), Color.FromHex("#000000"), Color.FromHex("#f0e442"),
    ];

    /// <summary>Pale tints behind the data (backbone, head): light enough that every series stays legible over them.</summary>
    public static readonly IReadOnlyList<Color> Regions = [Color.FromHex("#e3ecf7"), Color.FromHex("#fbeadf")];

    /// <summary>Opacity of an interval band over its series' colour: overlapping bands stay readable.</summary>
    public const double BandOpacity = 0.2;

    public static readonly Color Ink = Color.FromHex("#222222");
    public static readonly Color Grid = Color.FromHex("#e5e5e5");
    public static readonly Color Missing = Color.FromHex("#bdbdbd");
    public static readonly Color Muted = Color.FromHex("#555555");

    public const float TitleSize = 16;
    public const float AxisLabelSize = 13;
    public const float TickLabelSize = 11;
    public const float LegendSize = 12;

    /// <summary>A series' colour by its position, cycling through the palette.</summary>
    public static Color SeriesColour(int index) => Series[index % Series.Count];

    /// <summary>A blank plot in the house style: title, axis labels, light grid, the figure font everywhere.</summary>
    public static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        FigureFont.Use();
        var plot = new Plot();
        // Otherwise ScottPlot may swap in a system font for a legend entry with a glyph it guesses the font lacks.
        plot.Legend.SetBestFontOnEachRender = false;
        plot.Title(title, TitleSize);
        plot.Axes.Title.Label.Bold = true;
        plot.XLabel(xLabel, AxisLabelSize);
        plot.YLabel(yLabel, AxisLabelSize);
        foreach (var axis in new IAxis[] { plot.Axes.Bottom, plot.Axes.Left })
        {
            axis.Label.Bold = false;
            axis.Label.ForeColor = Ink;
            axis.TickLabelStyle.FontSize = TickLabelSize;
            axis.TickLabelStyle.ForeColor = Ink;
        }
        plot.Axes.Color(Ink);
        plot.Grid.MajorLineColor = Grid;
        plot.Legend.FontSize = LegendSize;
        plot.Legend.FontColor = Ink;
        return plot;
    }

    /// <summary>
    /// Major ticks at <paramref name="from"/>, <paramref name="from"/> + <paramref name="step"/>, … <paramref name="to"/>,
    /// every label with one decimal (0.0, 0.2, … 1.0): ScottPlot's automatic ticks would leave out an end, or crowd a
    /// colour bar with a tick every 0.05.
    /// </summary>
    public static NumericManual Ticks(double from, double to, double step)
    {
        var count = (int)Math.Round((to - from) / step) + 1;
        var values = Enumerable.Range(0, count).Select(i => from + i * step).ToArray();
        return new NumericManual(values, values.Select(v => v.ToString("0.0", CultureInfo.InvariantCulture)).ToArray());
    }

    /// <summary>The legend as a column to the right of the data area, from its top, in the order the entries were added.</summary>
    public static void LegendOnTheRight(Plot plot)
    {
        plot.ShowLegend(Edge.Right).Alignment = Alignment.UpperLeft;
        plot.Legend.SymbolWidth = 28; // long enough to show a dash pattern
        plot.Legend.OutlineColor = Colors.Transparent;
        plot.Legend.ShadowColor = Colors.Transparent;
    }
}
