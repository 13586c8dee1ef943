using System.Xml.Linq;

namespace Repro.Reporting.Plots;

/// <summary>
/// One curve. <see cref="X"/> defaults to 0, 1, 2, …; a NaN in Y leaves a gap. <see cref="Lower"/> and
/// <see cref="Upper"/>, given together, draw a translucent band (an interval) around the curve.
/// </summary>
internal sealed record LineSeries(string Name, IReadOnlyList<double> Y)
{
    public IReadOnlyList<double>? X { get; init; }
    public IReadOnlyList<double>? Lower { get; init; }
    public IReadOnlyList<double>? Upper { get; init; }
    /// <summary>#rrggbb; default: the palette colour of the series' position.</summary>
    public string? Colour { get; init; }

    public double XAt(int i) => X?[i] ?? i;
}

/// <summary>A shaded x-interval behind the curves, labelled at its top (e.g. backbone, head).</summary>
internal sealed record ShadedRegion(string Label, double From, double To)
{
    public string? Colour { get; init; }
}

/// <summary>Marks the points of every series at the given x values (layer indices) with one shape, e.g. "shortcut".</summary>
internal sealed record LayerMarkers(string Label, MarkerShape Shape, IReadOnlyCollection<int> Layers);

/// <summary>
/// A line chart: several series, optional interval bands, shaded regions, layer-kind markers, legend on the right.
/// Used for per-layer CKA curves and for training curves.
/// </summary>
internal sealed record LineChart(string Title, string XLabel, string YLabel, IReadOnlyList<LineSeries> Series) : IChart
{
    public (double Min, double Max)? XRange { get; init; }
    public (double Min, double Max)? YRange { get; init; }
    public double? XTickStep { get; init; }
    public double? YTickStep { get; init; }
    public IReadOnlyList<ShadedRegion> Regions { get; init; } = Array.Empty<ShadedRegion>();
    public IReadOnlyList<LayerMarkers> Markers { get; init; } = Array.Empty<LayerMarkers>();
    public double Width { get; init; } = 960;
    public double Height { get; init; } = 520;

    private const double LegendWidth = 270;

    /// <summary>
    /// Per-layer CKA: x = layers 0 … <paramref name="layerCount"/> − 1 (ticks every 10), y = 0 … 1, the backbone and
    /// head shaded with their boundary halfway between the last backbone and the first head layer.
    /// </summary>
    public static LineChart LayerCka(string title, IReadOnlyList<LineSeries> series, int layerCount, int firstHeadLayer, IReadOnlyList<LayerMarkers> markers) =>
        new(title, "layer", "linear CKA", series)
        {
            XRange = (-0.5, layerCount - 0.5),
            YRange = (0, 1),
            XTickStep = 10,
            YTickStep = 0.2,
            Regions = new[]
            {
                new ShadedRegion($"backbone (0–{firstHeadLayer - 1})", -0.5, firstHeadLayer - 0.5),
                new ShadedRegion($"head ({firstHeadLayer}–{layerCount - 1})", firstHeadLayer - 0.5, layerCount - 0.5),
            },
            Markers = markers,
        };

    public string ToSvg()
    {
        Validate();
        var area = new PlotArea(72, 48, Width - 72 - LegendWidth, Height - 48 - 62);
        var (xMin, xMax) = XRange ?? Extent(Series.SelectMany(s => Enumerable.Range(0, s.Y.Count).Select(s.XAt)), XTickStep);
        var (yMin, yMax) = YRange ?? Extent(Series.SelectMany(s => s.Y.Concat(s.Lower ?? Array.Empty<double>()).Concat(s.Upper ?? Array.Empty<double>())), YTickStep);
        var x = new LinearScale(xMin, xMax, area.Left, area.Right);
        var y = new LinearScale(yMin, yMax, area.Bottom, area.Top);

        var content = new List<object>
        {
            Svg.El("defs", Svg.El("clipPath", Svg.A("id", "plot-area"), Svg.Rect(area.Left, area.Top, area.Width, area.Height, "#ffffff"))),
        };
        var regions = Svg.El("g", Svg.A("class", "regions"));
        for (var i = 0; i < Regions.Count; i++)
        {
            var r = Regions[i];
            var from = Math.Clamp(x.Map(r.From), area.Left, area.Right);
            var to = Math.Clamp(x.Map(r.To), area.Left, area.Right);
            regions.Add(Svg.Rect(from, area.Top, to - from, area.Height, Palette.RegionColour(i, r.Colour), Svg.A("class", "region")));
            regions.Add(Svg.Text((from + to) / 2, area.Top + 16, r.Label, "middle", 12, Svg.A("fill", "#555555"), Svg.A("class", "region-label")));
        }
        content.Add(regions);
        content.AddRange(Axis.Draw(area, x, y, Axis.Ticks(xMin, xMax, 10, XTickStep), Axis.Ticks(yMin, yMax, 5, YTickStep), XLabel, YLabel));

        var bands = Svg.El("g", Svg.A("class", "bands"), Svg.A("clip-path", "url(#plot-area)"));
        var lines = Svg.El("g", Svg.A("class", "lines"), Svg.A("clip-path", "url(#plot-area)"));
        var markers = Svg.El("g", Svg.A("class", "markers"));
        for (var s = 0; s < Series.Count; s++)
        {
            var series = Series[s];
            var colour = Palette.SeriesColour(s, series.Colour);
            if (series.Lower is not null && series.Upper is not null)
            {
                foreach (var polygon in BandPolygons(series, x, y))
                    bands.Add(Svg.El("polygon", Svg.A("points", polygon), Svg.A("fill", colour), Svg.A("fill-opacity", 0.2), Svg.A("stroke", "none"), Svg.A("class", "band")));
            }
            var points = Enumerable.Range(0, series.Y.Count)
                .Select(i => double.IsFinite(series.Y[i]) ? ((double, double)?)(x.Map(series.XAt(i)), y.Map(series.Y[i])) : null);
            lines.Add(Svg.El("path", Svg.A("d", Svg.PathData(points)), Svg.A("fill", "none"), Svg.A("stroke", colour), Svg.A("stroke-width", 2),
                Svg.A("stroke-linejoin", "round"), Svg.A("class", "series"), Svg.A("data-series", series.Name)));

            var byX = new Dictionary<double, int>();
            for (var i = 0; i < series.Y.Count && Markers.Count > 0; i++) byX.TryAdd(series.XAt(i), i);
            foreach (var kind in Markers)
            {
                foreach (var layer in kind.Layers.OrderBy(l => l))
                {
                    if (!byX.TryGetValue(layer, out var i))
                        throw new ArgumentException($"Line chart '{Title}': marker '{kind.Label}' at layer {layer}, but series '{series.Name}' has no point at x = {layer}.");
                    if (!double.IsFinite(series.Y[i])) continue;
                    markers.Add(MarkerGlyph.Draw(kind.Shape, x.Map(layer), y.Map(series.Y[i]), 7, colour, "#222222",
                        Svg.A("class", $"marker marker-{Slug(kind.Label)}")));
                }
            }
        }
        content.Add(bands);
        content.Add(lines);
        content.Add(markers);

        var legend = new List<LegendEntry>();
        for (var s = 0; s < Series.Count; s++)
        {
            var colour = Palette.SeriesColour(s, Series[s].Colour);
            legend.Add(new LegendEntry.LineEntry(Series[s].Name, colour));
            if (Series[s].Lower is not null) legend.Add(new LegendEntry.SwatchEntry($"{Series[s].Name} interval", colour, 0.2));
        }
        legend.AddRange(Markers.Select(m => new LegendEntry.MarkerEntry(m.Label, m.Shape)));
        legend.AddRange(Regions.Select((r, i) => new LegendEntry.SwatchEntry(r.Label, Palette.RegionColour(i, r.Colour))));
        content.Add(Legend.Draw(area.Right + 20, area.Top + 8, legend));

        return Svg.Serialize(Svg.Document(Width, Height, Title, content));
    }

    private void Validate()
    {
        if (Series.Count == 0) throw new ArgumentException($"Line chart '{Title}' has no series.");
        foreach (var s in Series)
        {
            var where = $"Line chart '{Title}', series '{s.Name}'";
            if (s.Y.Count == 0) throw new ArgumentException($"{where}: no values.");
            if (s.X is not null && s.X.Count != s.Y.Count) throw new ArgumentException($"{where}: {s.X.Count} x values for {s.Y.Count} y values.");
            if (s.X is not null && s.X.Any(v => !double.IsFinite(v))) throw new ArgumentException($"{where}: x values must be finite.");
            if ((s.Lower is null) != (s.Upper is null)) throw new ArgumentException($"{where}: an interval needs both lower and upper bounds.");
            if (s.Lower is not null && (s.Lower.Count != s.Y.Count || s.Upper!.Count != s.Y.Count))
                throw new ArgumentException($"{where}: interval bounds have {s.Lower.Count} and {s.Upper!.Count} values for {s.Y.Count} points.");
            if (s.Y.Any(double.IsInfinity)) throw new ArgumentException($"{where}: infinite y value.");
        }
        foreach (var r in Regions)
            if (!(r.To > r.From)) throw new ArgumentException($"Line chart '{Title}', region '{r.Label}': empty interval [{r.From}, {r.To}].");
        if (XRange is { } xr && !(xr.Max > xr.Min)) throw new ArgumentException($"Line chart '{Title}': empty x range.");
        if (YRange is { } yr && !(yr.Max > yr.Min)) throw new ArgumentException($"Line chart '{Title}': empty y range.");
    }

    /// <summary>One polygon per run of points where the value and both bounds are finite: upper edge forward, lower edge back.</summary>
    private static IEnumerable<string> BandPolygons(LineSeries s, LinearScale x, LinearScale y)
    {
        var run = new List<int>();
        for (var i = 0; i <= s.Y.Count; i++)
        {
            if (i < s.Y.Count && double.IsFinite(s.Lower![i]) && double.IsFinite(s.Upper![i]))
            {
                run.Add(i);
                continue;
            }
            if (run.Count > 0)
            {
                var upper = run.Select(j => $"{Svg.N(x.Map(s.XAt(j)))},{Svg.N(y.Map(s.Upper![j]))}");
                var lower = Enumerable.Reverse(run).Select(j => $"{Svg.N(x.Map(s.XAt(j)))},{Svg.N(y.Map(s.Lower![j]))}");
                yield return string.Join(" ", upper.Concat(lower));
                run.Clear();
            }
        }
    }

    /// <summary>The data's range widened to whole ticks (and to a unit interval when all values are equal).</summary>
    private static (double, double) Extent(IEnumerable<double> values, double? step)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0) return (0, 1);
        double min = finite.Min(), max = finite.Max();
        if (max == min) { min -= 0.5; max += 0.5; }
        var s = step ?? Axis.NiceStep((max - min) / 5);
        return (Math.Floor(min / s) * s, Math.Ceiling(max / s) * s);
    }

    internal static string Slug(string label) =>
        new string(label.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
}
