using System.Globalization;

namespace Repro.Reporting.Plots;

/// <summary>One bar per group (e.g. a model's mAP on each test set), with an optional range drawn as an error bar (e.g. over seeds).</summary>
internal sealed record BarSeries(string Name, IReadOnlyList<double> Values)
{
    public IReadOnlyList<double>? Lower { get; init; }
    public IReadOnlyList<double>? Upper { get; init; }
    public string? Colour { get; init; }
}

/// <summary>
/// Grouped bars: a group per entry of <see cref="Groups"/> (e.g. test sets), within it a bar per series (e.g. models),
/// value labels above the bars. Bars start at zero; a NaN value draws no bar and is labelled "n/a".
/// </summary>
internal sealed record BarChart(string Title, string XLabel, string YLabel, IReadOnlyList<string> Groups, IReadOnlyList<BarSeries> Series) : IChart
{
    public (double Min, double Max)? YRange { get; init; }
    public double? YTickStep { get; init; }
    /// <summary>.NET format of the labels above the bars; null for none.</summary>
    public string? ValueFormat { get; init; } = "F2";
    public double Width { get; init; } = 760;
    public double Height { get; init; } = 460;

    private const double LegendWidth = 200;

    public string ToSvg()
    {
        Validate();
        var area = new PlotArea(72, 48, Width - 72 - LegendWidth, Height - 48 - 62);
        var (yMin, yMax) = YRange ?? AutoRange();
        var y = new LinearScale(yMin, yMax, area.Bottom, area.Top);
        var groupWidth = area.Width / Groups.Count;
        var barWidth = groupWidth * 0.8 / Series.Count;
        var yTicks = Axis.Ticks(yMin, yMax, 5, YTickStep);

        var content = new List<object>();
        // The x axis has categories, not numbers: draw it with no numeric ticks and label the groups below.
        var none = new LinearScale(0, 1, area.Left, area.Right);
        content.AddRange(Axis.Draw(area, none, y, Array.Empty<double>(), yTicks, XLabel, YLabel));
        var groups = Svg.El("g", Svg.A("class", "group-labels"));
        for (var g = 0; g < Groups.Count; g++)
            groups.Add(Svg.Text(area.Left + (g + 0.5) * groupWidth, area.Bottom + 18, Groups[g], "middle", 12, Svg.A("class", "tick-label")));
        content.Add(groups);

        var bars = Svg.El("g", Svg.A("class", "bars"));
        var zero = y.Map(Math.Clamp(0, yMin, yMax));
        for (var s = 0; s < Series.Count; s++)
        {
            var series = Series[s];
            var colour = Palette.SeriesColour(s, series.Colour);
            for (var g = 0; g < Groups.Count; g++)
            {
                var left = area.Left + g * groupWidth + groupWidth * 0.1 + s * barWidth;
                var centre = left + barWidth / 2;
                var v = series.Values[g];
                if (double.IsNaN(v))
                {
                    bars.Add(Svg.Text(centre, zero - 4, "n/a", "middle", 10, Svg.A("class", "value-label")));
                    continue;
                }
                var top = y.Map(Math.Clamp(v, yMin, yMax));
                bars.Add(Svg.Rect(left + 1, Math.Min(top, zero), barWidth - 2, Math.Abs(zero - top), colour,
                    Svg.A("class", "bar"), Svg.A("data-series", series.Name), Svg.A("data-group", Groups[g])));
                var labelAbove = top;
                if (series.Lower is not null && double.IsFinite(series.Lower[g]) && double.IsFinite(series.Upper![g]))
                {
                    var lo = y.Map(Math.Clamp(series.Lower[g], yMin, yMax));
                    var hi = y.Map(Math.Clamp(series.Upper[g], yMin, yMax));
                    bars.Add(Svg.El("path", Svg.A("d", $"M{Svg.N(centre - 4)},{Svg.N(hi)} L{Svg.N(centre + 4)},{Svg.N(hi)} M{Svg.N(centre)},{Svg.N(hi)} L{Svg.N(centre)},{Svg.N(lo)} M{Svg.N(centre - 4)},{Svg.N(lo)} L{Svg.N(centre + 4)},{Svg.N(lo)}"),
                        Svg.A("stroke", "#222222"), Svg.A("stroke-width", 1.2), Svg.A("fill", "none"), Svg.A("class", "error-bar")));
                    labelAbove = Math.Min(labelAbove, hi);
                }
                if (ValueFormat is not null)
                    bars.Add(Svg.Text(centre, labelAbove - 4, v.ToString(ValueFormat, CultureInfo.InvariantCulture), "middle", 10, Svg.A("class", "value-label")));
            }
        }
        content.Add(bars);
        content.Add(Legend.Draw(area.Right + 20, area.Top + 8, Series.Select((s, i) => new LegendEntry.SwatchEntry(s.Name, Palette.SeriesColour(i, s.Colour)))));
        return Svg.Serialize(Svg.Document(Width, Height, Title, content));
    }

    private void Validate()
    {
        if (Groups.Count == 0) throw new ArgumentException($"Bar chart '{Title}' has no groups.");
        if (Series.Count == 0) throw new ArgumentException($"Bar chart '{Title}' has no series.");
        foreach (var s in Series)
        {
            var where = $"Bar chart '{Title}', series '{s.Name}'";
            if (s.Values.Count != Groups.Count) throw new ArgumentException($"{where}: {s.Values.Count} values for {Groups.Count} groups ({string.Join(", ", Groups)}).");
            if (s.Values.Any(double.IsInfinity)) throw new ArgumentException($"{where}: infinite value.");
            if ((s.Lower is null) != (s.Upper is null)) throw new ArgumentException($"{where}: a range needs both lower and upper values.");
            if (s.Lower is not null && (s.Lower.Count != Groups.Count || s.Upper!.Count != Groups.Count))
                throw new ArgumentException($"{where}: ranges have {s.Lower.Count} and {s.Upper!.Count} values for {Groups.Count} groups.");
        }
        if (YRange is { } r && !(r.Max > r.Min)) throw new ArgumentException($"Bar chart '{Title}': empty y range.");
    }

    private (double, double) AutoRange()
    {
        var values = Series.SelectMany(s => s.Values.Concat(s.Upper ?? Array.Empty<double>()).Concat(s.Lower ?? Array.Empty<double>()))
            .Where(double.IsFinite).Append(0).ToArray();
        double min = values.Min(), max = values.Max();
        if (max == min) max = min + 1;
        var step = YTickStep ?? Axis.NiceStep((max - min) / 5);
        return (Math.Floor(min / step) * step, Math.Ceiling(max / step) * step);
    }
}
