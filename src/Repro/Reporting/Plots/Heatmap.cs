using System.Globalization;

namespace Repro.Reporting.Plots;

/// <summary>
/// A matrix as coloured cells (layer-vs-layer CKA): row i of <see cref="Values"/> is drawn at height i counted from the
/// bottom, column j at x = j, so layer 0 against layer 0 is the bottom-left corner and the diagonal rises to the right.
/// Values map to <see cref="Colormap"/> over [<see cref="Min"/>, <see cref="Max"/>] (clamped); NaN cells are grey.
/// A colour bar shows the scale; ticks every <see cref="TickStep"/> and at each of <see cref="Boundaries"/>,
/// where a line also separates the blocks (e.g. backbone | head at 75).
/// </summary>
internal sealed record Heatmap(string Title, double[,] Values) : IChart
{
    public string XLabel { get; init; } = "layer";
    public string YLabel { get; init; } = "layer";
    public string ColourBarLabel { get; init; } = "linear CKA";
    public double Min { get; init; }
    public double Max { get; init; } = 1;
    public int TickStep { get; init; } = 10;
    public IReadOnlyList<int> Boundaries { get; init; } = Array.Empty<int>();
    public Colormap Colormap { get; init; } = Colormap.Viridis;
    public double Size { get; init; } = 560;

    /// <summary>Stops of the colour bar's gradient: enough that its linear interpolation follows the colormap.</summary>
    private const int GradientStops = 21;

    public string ToSvg()
    {
        var rows = Values.GetLength(0);
        var columns = Values.GetLength(1);
        if (rows == 0 || columns == 0) throw new ArgumentException($"Heatmap '{Title}' has no cells.");
        if (!(Max > Min) || !double.IsFinite(Min) || !double.IsFinite(Max)) throw new ArgumentException($"Heatmap '{Title}': colour scale [{Min}, {Max}] is empty.");
        if (TickStep <= 0) throw new ArgumentException($"Heatmap '{Title}': tick step must be positive.");
        foreach (var b in Boundaries)
            if (b <= 0 || b >= Math.Max(rows, columns)) throw new ArgumentException($"Heatmap '{Title}': boundary {b} is not inside 1 … {Math.Max(rows, columns) - 1}.");

        var cell = Size / Math.Max(rows, columns);
        var area = new PlotArea(72, 48, cell * columns, cell * rows);
        var width = area.Right + 130;
        var height = area.Bottom + 62;
        var content = new List<object>();

        var gradient = Svg.El("linearGradient", Svg.A("id", "colour-bar"), Svg.A("x1", "0"), Svg.A("y1", "1"), Svg.A("x2", "0"), Svg.A("y2", "0"));
        for (var k = 0; k < GradientStops; k++)
        {
            var t = k / (double)(GradientStops - 1);
            gradient.Add(Svg.El("stop", Svg.A("offset", t.ToString("0.###", CultureInfo.InvariantCulture)), Svg.A("stop-color", Colormap.At(t).Hex)));
        }
        content.Add(Svg.El("defs", gradient));

        // Cells in a unit grid scaled once: integer coordinates keep 107 × 107 cells compact and exact.
        var cells = Svg.El("g", Svg.A("class", "cells"), Svg.A("transform", $"translate({Svg.N(area.Left)} {Svg.N(area.Top)}) scale({Svg.N(cell)})"),
            Svg.A("shape-rendering", "crispEdges"));
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < columns; j++)
            {
                var v = Values[i, j];
                var fill = double.IsNaN(v) ? Palette.Missing : Colormap.Map(v, Min, Max).Hex;
                cells.Add(Svg.El("rect", Svg.A("x", Int(j)), Svg.A("y", Int(rows - 1 - i)), Svg.A("width", "1"), Svg.A("height", "1"), Svg.A("fill", fill)));
            }
        }
        content.Add(cells);

        var axes = Svg.El("g", Svg.A("class", "axes"));
        foreach (var b in Boundaries)
        {
            if (b < columns) axes.Add(Svg.Line(area.Left + b * cell, area.Top, area.Left + b * cell, area.Bottom, "#ffffff", 1.2, Svg.A("class", "boundary")));
            if (b < rows) axes.Add(Svg.Line(area.Left, area.Bottom - b * cell, area.Right, area.Bottom - b * cell, "#ffffff", 1.2, Svg.A("class", "boundary")));
        }
        foreach (var j in TickIndices(columns))
        {
            var px = area.Left + (j + 0.5) * cell;
            axes.Add(Svg.Line(px, area.Bottom, px, area.Bottom + 5, Palette.Axis, 1, Svg.A("class", "tick")));
            axes.Add(Svg.Text(px, area.Bottom + 18, Int(j), "middle", 10, Svg.A("class", "tick-label")));
        }
        foreach (var i in TickIndices(rows))
        {
            var py = area.Bottom - (i + 0.5) * cell;
            axes.Add(Svg.Line(area.Left - 5, py, area.Left, py, Palette.Axis, 1, Svg.A("class", "tick")));
            axes.Add(Svg.Text(area.Left - 8, py + 3.5, Int(i), "end", 10, Svg.A("class", "tick-label")));
        }
        axes.Add(Svg.Rect(area.Left, area.Top, area.Width, area.Height, "none", Svg.A("stroke", Palette.Axis), Svg.A("class", "frame")));
        axes.Add(Svg.Text(area.Left + area.Width / 2, area.Bottom + 40, XLabel, "middle", 13, Svg.A("class", "axis-label")));
        var yx = area.Left - 44;
        var yy = area.Top + area.Height / 2;
        axes.Add(Svg.Text(yx, yy, YLabel, "middle", 13, Svg.A("transform", $"rotate(-90 {Svg.N(yx)} {Svg.N(yy)})"), Svg.A("class", "axis-label")));
        content.Add(axes);

        content.Add(ColourBar(new PlotArea(area.Right + 24, area.Top, 18, area.Height)));
        return Svg.Serialize(Svg.Document(width, height, Title, content));
    }

    private object ColourBar(PlotArea bar)
    {
        var scale = new LinearScale(Min, Max, bar.Bottom, bar.Top);
        var g = Svg.El("g", Svg.A("class", "colour-bar"),
            Svg.Rect(bar.Left, bar.Top, bar.Width, bar.Height, "url(#colour-bar)", Svg.A("stroke", Palette.Axis), Svg.A("stroke-width", 0.8)));
        var ticks = Axis.Ticks(Min, Max, 5);
        foreach (var t in ticks)
        {
            var py = scale.Map(t);
            g.Add(Svg.Line(bar.Right, py, bar.Right + 4, py, Palette.Axis, 1, Svg.A("class", "tick")));
            g.Add(Svg.Text(bar.Right + 7, py + 4, Axis.Label(t, ticks), "start", 11, Svg.A("class", "tick-label")));
        }
        var lx = bar.Right + 48;
        var ly = bar.Top + bar.Height / 2;
        g.Add(Svg.Text(lx, ly, ColourBarLabel, "middle", 12, Svg.A("transform", $"rotate(-90 {Svg.N(lx)} {Svg.N(ly)})"), Svg.A("class", "axis-label")));
        return g;
    }

    private IEnumerable<int> TickIndices(int count) =>
        Enumerable.Range(0, count).Where(k => k % TickStep == 0 || Boundaries.Contains(k)).Distinct();

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
