using Repro.Reporting.Plots;
using ScottPlot;
using ScottPlot.Plottables;

namespace Repro.Tests.Reporting.Plots;

[TestFixture]
public class LayerMatrixFigureTests
{
    private const int N = 107;

    private static double[,] Matrix()
    {
        var m = new double[N, N];
        for (var i = 0; i < N; i++)
            for (var j = 0; j < N; j++)
                m[i, j] = (i * N + j) / (double)(N * N); // every cell its own value: a transposed or flipped map cannot pass
        m[5, 7] = double.NaN;
        return m;
    }

    [Test]
    public void Cell_i_j_is_drawn_at_layer_j_across_and_layer_i_up_from_the_bottom()
    {
        var m = Matrix();
        using var figure = LayerMatrixFigure.Create("Layer × layer CKA", m, "U-Real", "U-Synthetic", 75);
        var map = figure.Plot.GetPlottables<Heatmap>().Single();
        foreach (var (i, j) in new[] { (0, 0), (0, N - 1), (N - 1, 0), (N - 1, N - 1), (3, 90), (90, 3), (74, 75) })
            Assert.That(map.GetValue(new Coordinates(j, i)), Is.EqualTo(m[i, j]), $"cell ({i}, {j})");
        Assert.That(map.GetValue(new Coordinates(7, 5)), Is.NaN);
        Assert.That(map.NaNCellColor, Is.EqualTo(FigureStyle.Missing));
    }

    [Test]
    public void Colours_span_a_fixed_zero_to_one_shown_on_a_colour_bar()
    {
        using var figure = LayerMatrixFigure.Create("t", Matrix(), "A", "B", 75);
        var map = figure.Plot.GetPlottables<Heatmap>().Single();
        Assert.That(map.ManualRange, Is.EqualTo(new ScottPlot.Range(0, 1)));
        var bar = figure.Plot.Axes.GetPanels().OfType<ScottPlot.Panels.ColorBar>().Single();
        Assert.That(bar.Source, Is.SameAs(map));
        Assert.That(bar.Label, Is.EqualTo("linear CKA"));
    }

    [Test]
    public void Lines_mark_where_the_head_begins_on_both_axes_and_the_axes_hold_every_layer()
    {
        using var figure = LayerMatrixFigure.Create("t", Matrix(), "U-Real", "U-Synthetic", 75);
        Assert.That(figure.Plot.GetPlottables<VerticalLine>().Single().X, Is.EqualTo(74.5));
        Assert.That(figure.Plot.GetPlottables<HorizontalLine>().Single().Y, Is.EqualTo(74.5));
        var limits = figure.Plot.Axes.GetLimits();
        Assert.That((limits.Left, limits.Right, limits.Bottom, limits.Top), Is.EqualTo((-0.5, N - 0.5, -0.5, N - 0.5)));
        Assert.That(figure.Plot.Axes.Left.Label.Text, Does.Contain("U-Real"));
        Assert.That(figure.Plot.Axes.Bottom.Label.Text, Does.Contain("U-Synthetic"));
    }

    [Test]
    public void An_empty_map_or_a_boundary_outside_it_is_an_error_naming_the_figure()
    {
        Assert.That(() => LayerMatrixFigure.Create("h", new double[0, 0], "A", "B", 75), Throws.ArgumentException.With.Message.Contains("'h'"));
        Assert.That(() => LayerMatrixFigure.Create("h", new double[10, 10], "A", "B", 75), Throws.ArgumentException.With.Message.Contains("layer 75"));
    }
}
