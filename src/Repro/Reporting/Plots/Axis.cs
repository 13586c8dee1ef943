using System.Globalization;
using System.Xml.Linq;

namespace Repro.Reporting.Plots;

/// <summary>A linear map from data values to pixels.</summary>
internal readonly record struct LinearScale(double DomainMin, double DomainMax, double RangeMin, double RangeMax)
{
    public double Map(double value) => RangeMin + (value - DomainMin) / (DomainMax - DomainMin) * (RangeMax - RangeMin);
}

/// <summary>The rectangle inside the axes, in pixels.</summary>
internal readonly record struct PlotArea(double Left, double Top, double Width, double Height)
{
    public double Right => Left + Width;
    public double Bottom => Top + Height;
}

/// <summary>Tick positions and labels, and the axes drawn with them.</summary>
internal static class Axis
{
    /// <summary>
    /// Ticks at multiples of a "nice" step (1, 2 or 5 × 10^k) giving about <paramref name="target"/> intervals,
    /// or of <paramref name="step"/> when given.
    /// </summary>
    public static IReadOnlyList<double> Ticks(double min, double max, int target = 5, double? step = null)
    {
        if (!(max > min)) throw new ArgumentException($"Axis range [{min}, {max}] is empty.");
        var s = step ?? NiceStep((max - min) / target);
        if (!(s > 0)) throw new ArgumentException($"Tick step {s} must be positive.");
        var ticks = new List<double>();
        var first = Math.Ceiling(min / s - 1e-9);
        for (var k = first; k * s <= max + 1e-9 * s; k++)
            ticks.Add(Math.Round(k * s, 10)); // k·s exactly at the decimal tick, not 0.30000000000000004
        return ticks;
    }

    public static double NiceStep(double rough)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var fraction = rough / magnitude;
        var nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * magnitude;
    }

    /// <summary>Labels with as many decimals as the step needs, all alike: 0.0, 0.2, … 1.0; 0, 10, … 100.</summary>
    public static string Label(double value, IReadOnlyList<double> ticks)
    {
        var step = ticks.Count > 1 ? Math.Abs(ticks[1] - ticks[0]) : Math.Abs(value);
        var decimals = step is > 0 and < 1 ? Math.Min(6, (int)Math.Ceiling(-Math.Log10(step) - 1e-9)) : 0;
        if (step > 0 && Math.Abs(step * Math.Pow(10, decimals) - Math.Round(step * Math.Pow(10, decimals))) > 1e-9) decimals++;
        var text = value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return text.StartsWith('-') && text.Trim('-', '0', '.').Length == 0 ? text[1..] : text;
    }

    /// <summary>Frame, light grid lines, ticks with labels and the two axis titles.</summary>
    public static IEnumerable<XElement> Draw(PlotArea area, LinearScale x, LinearScale y, IReadOnlyList<double> xTicks, IReadOnlyList<double> yTicks,
        string xLabel, string yLabel, bool grid = true)
    {
        var g = Svg.El("g", Svg.A("class", "axes"));
        foreach (var t in yTicks)
        {
            var py = y.Map(t);
            if (grid) g.Add(Svg.Line(area.Left, py, area.Right, py, Palette.Grid, 1, Svg.A("class", "grid")));
            g.Add(Svg.Line(area.Left - 5, py, area.Left, py, Palette.Axis, 1, Svg.A("class", "tick")));
            g.Add(Svg.Text(area.Left - 8, py + 4, Label(t, yTicks), "end", 11, Svg.A("class", "tick-label")));
        }
        foreach (var t in xTicks)
        {
            var px = x.Map(t);
            g.Add(Svg.Line(px, area.Bottom, px, area.Bottom + 5, Palette.Axis, 1, Svg.A("class", "tick")));
            g.Add(Svg.Text(px, area.Bottom + 18, Label(t, xTicks), "middle", 11, Svg.A("class", "tick-label")));
        }
        g.Add(Svg.Rect(area.Left, area.Top, area.Width, area.Height, "none", Svg.A("stroke", Palette.Axis), Svg.A("class", "frame")));
        g.Add(Svg.Text(area.Left + area.Width / 2, area.Bottom + 40, xLabel, "middle", 13, Svg.A("class", "axis-label")));
        var yx = area.Left - 48;
        var yy = area.Top + area.Height / 2;
        g.Add(Svg.Text(yx, yy, yLabel, "middle", 13, Svg.A("transform", $"rotate(-90 {Svg.N(yx)} {Svg.N(yy)})"), Svg.A("class", "axis-label")));
        yield return g;
    }
}
