using ScottPlot;
using ScottPlot.TickGenerators;

namespace Repro.Reporting.Plots;

/// <summary>
/// Linear CKA per layer (the paper's Figs 4–6, 11–12): a line per comparison over layers 0 … n − 1 with its interval
/// as a translucent band, every layer of a marked kind drawn with that kind's shape, the backbone and the head shaded
/// and named in a strip above the CKA scale, where no curve can run into the names.
/// </summary>
internal static class LayerCkaFigure
{
    public const int Width = 1040;
    public const int Height = 540;

    /// <summary>The CKA scale, 0 … 1; the axis goes on to <see cref="Top"/> to leave room for the region names.</summary>
    public const double Top = 1.1;

    /// <summary>Shapes by kind, in the order the kinds are given: distinct in print and in grey.</summary>
    public static readonly IReadOnlyList<MarkerShape> Shapes =
        [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond, MarkerShape.FilledTriangleDown];

    public const string IntervalLegend = "95% bootstrap interval";

    /// <summary>Marker size in pixels; a triangle fills less of its box than a circle or a square, so it is drawn larger.</summary>
    public static float MarkerSize(MarkerShape shape) => shape is MarkerShape.FilledTriangleUp or MarkerShape.FilledTriangleDown ? 10 : 8;

    public static Figure Create(string title, IReadOnlyList<LayerCurve> curves, int layerCount, int firstHeadLayer, IReadOnlyList<LayerMarks> marks)
    {
        Validate(title, curves, layerCount, firstHeadLayer, marks);
        var plot = FigureStyle.NewPlot(title, "layer", "linear CKA");

        var boundary = firstHeadLayer - 0.5; // halfway between the last backbone layer and the first head layer
        Region(plot, $"backbone (0–{firstHeadLayer - 1})", -0.5, boundary, FigureStyle.Regions[0]);
        Region(plot, $"head ({firstHeadLayer}–{layerCount - 1})", boundary, layerCount - 0.5, FigureStyle.Regions[1]);

        // Bands first, lines over them, markers on top: every line stays visible through every band.
        for (var s = 0; s < curves.Count; s++)
            if (curves[s].HasInterval)
                foreach (var band in Bands(curves[s]))
                {
                    var fill = plot.Add.FillY(band.Layers, band.Lower, band.Upper);
                    fill.FillColor = FigureStyle.SeriesColour(s).WithOpacity(FigureStyle.BandOpacity);
                    fill.LineWidth = 0;
                }
        for (var s = 0; s < curves.Count; s++)
        {
            var line = plot.Add.ScatterLine(Enumerable.Range(0, layerCount).Select(l => (double)l).ToArray(), curves[s].Cka.ToArray(), FigureStyle.SeriesColour(s));
            line.LineWidth = 2;
            line.LegendText = curves[s].Name;
        }
        for (var s = 0; s < curves.Count; s++)
            for (var k = 0; k < marks.Count; k++)
            {
                var layers = marks[k].Layers.Order().Where(l => double.IsFinite(curves[s].Cka[l])).ToArray();
                var markers = plot.Add.Markers(layers.Select(l => (double)l).ToArray(), layers.Select(l => curves[s].Cka[l]).ToArray(),
                    Shapes[k], MarkerSize(Shapes[k]), FigureStyle.SeriesColour(s));
                markers.MarkerStyle.OutlineColor = FigureStyle.Ink;
                markers.MarkerStyle.OutlineWidth = 0.8f;
            }

        if (curves.Any(c => c.HasInterval))
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = IntervalLegend, FillColor = FigureStyle.Muted.WithOpacity(FigureStyle.BandOpacity) });
        for (var k = 0; k < marks.Count; k++)
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = marks[k].Kind,
                MarkerStyle = new MarkerStyle(Shapes[k], MarkerSize(Shapes[k]), Colors.White) { OutlineColor = FigureStyle.Ink, OutlineWidth = 1 },
            });
        FigureStyle.LegendOnTheRight(plot);

        plot.Axes.SetLimits(-0.5, layerCount - 0.5, 0, Top);
        plot.Axes.Bottom.TickGenerator = new NumericFixedInterval(10);
        plot.Axes.Left.TickGenerator = FigureStyle.Ticks(0, 1, 0.2);
        return new Figure(plot, Width, Height);
    }

    private static void Region(Plot plot, string label, double from, double to, Color colour)
    {
        var span = plot.Add.HorizontalSpan(from, to, colour);
        span.LineWidth = 0;
        var name = plot.Add.Text(label, (from + to) / 2, (1 + Top) / 2);
        name.LabelFontSize = FigureStyle.LegendSize;
        name.LabelFontColor = FigureStyle.Muted;
        name.LabelAlignment = Alignment.MiddleCenter;
    }

    /// <summary>A band per run of layers where the interval is measured: a NaN bound breaks the band instead of bending it to 0.</summary>
    private static IEnumerable<(double[] Layers, double[] Lower, double[] Upper)> Bands(LayerCurve curve)
    {
        var run = new List<int>();
        for (var l = 0; l <= curve.Cka.Count; l++)
        {
            if (l < curve.Cka.Count && double.IsFinite(curve.Lower![l]) && double.IsFinite(curve.Upper![l]))
            {
                run.Add(l);
                continue;
            }
            if (run.Count > 0)
                yield return (run.Select(i => (double)i).ToArray(), run.Select(i => curve.Lower![i]).ToArray(), run.Select(i => curve.Upper![i]).ToArray());
            run.Clear();
        }
    }

    private static void Validate(string title, IReadOnlyList<LayerCurve> curves, int layerCount, int firstHeadLayer, IReadOnlyList<LayerMarks> marks)
    {
        if (curves.Count == 0) throw new ArgumentException($"Figure '{title}' has no curves.");
        if (firstHeadLayer <= 0 || firstHeadLayer >= layerCount)
            throw new ArgumentException($"Figure '{title}': the head starts at layer {firstHeadLayer}, not inside 1 … {layerCount - 1}.");
        if (marks.Count > Shapes.Count) throw new ArgumentException($"Figure '{title}': {marks.Count} layer kinds, but only {Shapes.Count} marker shapes.");
        foreach (var c in curves)
        {
            var where = $"Figure '{title}', curve '{c.Name}'";
            if (c.Cka.Count != layerCount) throw new ArgumentException($"{where}: {c.Cka.Count} values for {layerCount} layers.");
            if ((c.Lower is null) != (c.Upper is null)) throw new ArgumentException($"{where}: an interval needs both lower and upper bounds.");
            if (c.Lower is not null && (c.Lower.Count != layerCount || c.Upper!.Count != layerCount))
                throw new ArgumentException($"{where}: interval bounds have {c.Lower.Count} and {c.Upper!.Count} values for {layerCount} layers.");
        }
        foreach (var m in marks)
            foreach (var l in m.Layers.Where(l => l < 0 || l >= layerCount))
                throw new ArgumentException($"Figure '{title}': {m.Kind} layer {l} is not one of layers 0 … {layerCount - 1}.");
    }
}
