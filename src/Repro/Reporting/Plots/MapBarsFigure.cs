using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Repro.Reporting.Plots;

/// <summary>One test set's mAP for every model: the mean over seeds, and the seeds' range (min, max) where known.</summary>
internal sealed record MapSeries(string Name, IReadOnlyList<double> Mean)
{
    public IReadOnlyList<double>? Min { get; init; }
    public IReadOnlyList<double>? Max { get; init; }
}

/// <summary>
/// mAP bars (Table 2): a group per model, a bar per test set, the seeds' range as an error bar and the mean written
/// above it, on a fixed 0 … 1 so the figures of two runs compare at a glance. A NaN mean draws no bar and says "n/a".
/// </summary>
internal static class MapBarsFigure
{
    public const int Width = 820;
    public const int Height = 470;

    /// <summary>The share of a group's width its bars fill together; the rest separates the groups.</summary>
    public const double GroupFill = 0.8;

    public static Figure Create(string title, IReadOnlyList<string> models, IReadOnlyList<MapSeries> series)
    {
        Validate(title, models, series);
        var plot = FigureStyle.NewPlot(title, "model", "mAP@0.5");
        var barWidth = GroupFill / series.Count;
        for (var s = 0; s < series.Count; s++)
        {
            var bars = plot.Add.Bars(Enumerable.Range(0, models.Count).Where(m => !double.IsNaN(series[s].Mean[m]))
                .Select(m => new Bar { Position = BarCentre(m, s, series.Count), Value = series[s].Mean[m], Size = barWidth * 0.96, LineWidth = 0 }).ToList());
            bars.Color = FigureStyle.SeriesColour(s);
            bars.LegendText = series[s].Name;
        }
        // Ranges and labels over every bar, so no bar of the next test set hides a range's lower half.
        for (var s = 0; s < series.Count; s++)
            for (var m = 0; m < models.Count; m++)
            {
                var centre = BarCentre(m, s, series.Count);
                var mean = series[s].Mean[m];
                if (double.IsNaN(mean))
                {
                    Label(plot, "n/a", centre, 0);
                    continue;
                }
                var top = mean;
                if (series[s].Min is { } min && double.IsFinite(min[m]) && series[s].Max![m] is var max && double.IsFinite(max) && max > min[m])
                {
                    var range = new ScottPlot.Plottables.ErrorBar([centre], [mean], null!, null!, [max - mean], [mean - min[m]])
                    {
                        LineColor = FigureStyle.Ink,
                        LineWidth = 1.2f,
                        CapSize = 6,
                    };
                    plot.Add.Plottable(range);
                    top = Math.Max(top, max);
                }
                Label(plot, mean.ToString("F2", CultureInfo.InvariantCulture), centre, top);
            }
        FigureStyle.LegendOnTheRight(plot);
        plot.Axes.Bottom.TickGenerator = new NumericManual(Enumerable.Range(0, models.Count).Select(m => (double)m).ToArray(), models.ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Bottom.TickLabelStyle.FontSize = FigureStyle.AxisLabelSize - 1;
        plot.Axes.Left.TickGenerator = FigureStyle.Ticks(0, 1, 0.2);
        plot.Axes.SetLimits(-0.5, models.Count - 0.5, 0, 1);
        plot.Grid.XAxisStyle.IsVisible = false;
        return new Figure(plot, Width, Height);
    }

    /// <summary>Bar <paramref name="s"/> of <paramref name="count"/> in the group of model <paramref name="m"/>, the group centred on x = m.</summary>
    public static double BarCentre(int m, int s, int count) => m - GroupFill / 2 + (s + 0.5) * GroupFill / count;

    private static void Label(Plot plot, string text, double x, double y)
    {
        var label = plot.Add.Text(text, x, y);
        label.LabelAlignment = Alignment.LowerCenter;
        label.LabelFontSize = FigureStyle.TickLabelSize;
        label.LabelFontColor = FigureStyle.Ink;
        label.LabelOffsetY = -3;
    }

    private static void Validate(string title, IReadOnlyList<string> models, IReadOnlyList<MapSeries> series)
    {
        if (models.Count == 0) throw new ArgumentException($"Figure '{title}' has no models.");
        if (series.Count == 0) throw new ArgumentException($"Figure '{title}' has no test sets.");
        foreach (var s in series)
        {
            var where = $"Figure '{title}', test set '{s.Name}'";
            if (s.Mean.Count != models.Count) throw new ArgumentException($"{where}: {s.Mean.Count} values for {models.Count} models ({string.Join(", ", models)}).");
            if ((s.Min is null) != (s.Max is null)) throw new ArgumentException($"{where}: a range needs both its min and its max.");
            if (s.Min is not null && (s.Min.Count != models.Count || s.Max!.Count != models.Count))
                throw new ArgumentException($"{where}: ranges have {s.Min.Count} and {s.Max!.Count} values for {models.Count} models.");
        }
    }
}
