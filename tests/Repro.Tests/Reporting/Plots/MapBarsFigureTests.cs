using Repro.Reporting.Plots;
using ScottPlot.Plottables;

namespace Repro.Tests.Reporting.Plots;

[TestFixture]
public class MapBarsFigureTests
{
    private static readonly string[] Models = ["U-Real", "U-Synthetic", "F-Synthetic"];

    private static Repro.Reporting.Plots.Figure Figure() => MapBarsFigure.Create("mAP@0.5", Models,
    [
        new MapSeries("real test set", [0.43, 0.12, 0.12]) { Min = [0.42, 0.10, 0.12], Max = [0.44, 0.15, 0.12] },
        new MapSeries("synthetic test set", [0.44, 0.89, double.NaN]),
    ]);

    [Test]
    public void A_bar_per_model_and_test_set_at_the_mean_grouped_by_model()
    {
        using var figure = Figure();
        var series = figure.Plot.GetPlottables<BarPlot>().ToList();
        Assert.That(series.Select(s => s.LegendText), Is.EqualTo(new[] { "real test set", "synthetic test set" }));
        Assert.That(series[0].Bars.Select(b => b.Value), Is.EqualTo(new[] { 0.43, 0.12, 0.12 }));
        Assert.That(series[1].Bars.Select(b => b.Value), Is.EqualTo(new[] { 0.44, 0.89 }), "the NaN mean draws no bar");
        // Model m's group is centred on x = m, the real test set's bar left of the synthetic one's.
        Assert.That(series[0].Bars.Select(b => b.Position), Is.EqualTo(new[] { -0.2, 0.8, 1.8 }).Within(1e-12));
        Assert.That(series[1].Bars.Select(b => b.Position), Is.EqualTo(new[] { 0.2, 1.2 }).Within(1e-12));
        Assert.That(series.SelectMany(s => s.Bars).Select(b => b.ValueBase), Is.All.EqualTo(0.0));
    }

    [Test]
    public void The_seeds_range_is_an_error_bar_from_min_to_max_and_the_mean_is_written_above_it()
    {
        using var figure = Figure();
        var ranges = figure.Plot.GetPlottables<ErrorBar>().ToList();
        Assert.That(ranges, Has.Count.EqualTo(2), "no range where min equals max, none without seeds' values");
        Assert.That(ranges.Select(r => (r.Xs[0], r.Ys[0] - r.YErrorNegative![0], r.Ys[0] + r.YErrorPositive![0])),
            Is.EqualTo(new[] { (-0.2, 0.42, 0.44), (0.8, 0.10, 0.15) }).Using<(double, double, double)>((a, b) =>
                Math.Abs(a.Item1 - b.Item1) < 1e-12 && Math.Abs(a.Item2 - b.Item2) < 1e-12 && Math.Abs(a.Item3 - b.Item3) < 1e-12));
        var labels = figure.Plot.GetPlottables<Text>().ToList();
        Assert.That(labels.Select(l => l.LabelText), Is.EqualTo(new[] { "0.43", "0.12", "0.12", "0.44", "0.89", "n/a" }));
        Assert.That(labels[1].Location.Y, Is.EqualTo(0.15), "above the range's top, not inside it");
    }

    [Test]
    public void The_scale_is_a_fixed_zero_to_one_and_the_groups_are_named_by_model()
    {
        using var figure = Figure();
        var limits = figure.Plot.Axes.GetLimits();
        Assert.That((limits.Bottom, limits.Top), Is.EqualTo((0.0, 1.0)));
        Assert.That((limits.Left, limits.Right), Is.EqualTo((-0.5, 2.5)));
        figure.Plot.RenderInMemory(figure.Width, figure.Height); // ticks are laid out when the figure is drawn
        var ticks = (ScottPlot.TickGenerators.NumericManual)figure.Plot.Axes.Bottom.TickGenerator;
        Assert.That(ticks.Ticks.Select(t => (t.Position, t.Label)), Is.EqualTo(Models.Select((m, i) => ((double)i, m))));
    }

    [Test]
    public void Mismatched_input_is_an_error_naming_the_figure_and_the_test_set()
    {
        Assert.That(() => MapBarsFigure.Create("b", Models, [new MapSeries("real", [1.0])]),
            Throws.ArgumentException.With.Message.Contains("'b'").And.Message.Contains("'real'").And.Message.Contains("1 values for 3 models"));
        Assert.That(() => MapBarsFigure.Create("b", Models, [new MapSeries("real", [1.0, 1, 1]) { Min = [0.0, 0, 0] }]),
            Throws.ArgumentException.With.Message.Contains("both its min and its max"));
    }
}
