using Repro.Reporting.Plots;
using ScottPlot;
using ScottPlot.Plottables;

namespace Repro.Tests.Reporting.Plots;

[TestFixture]
public class LayerCkaFigureTests
{
    // YOLOv3's layer kinds (darknet numbering), as the CKA figures mark them.
    private static readonly int[] Shortcuts = [4, 8, 11, 15, 18, 21, 24, 27, 30, 33, 36, 40, 43, 46, 49, 52, 55, 58, 61, 65, 68, 71, 74];
    private static readonly int[] Routes = [83, 86, 95, 98];
    private static readonly int[] Yolo = [82, 94, 106];
    private static readonly LayerMarks[] Marks = [new("shortcut", Shortcuts), new("route", Routes), new("yolo", Yolo)];

    private static double Value(int layer, double shift) => Math.Clamp(0.95 - 0.008 * layer + shift + 0.05 * Math.Sin(layer), 0, 1);

    private static LayerCurve Curve(string name, double shift, double? halfWidth) => new(name, Enumerable.Range(0, 107).Select(l => Value(l, shift)).ToArray())
    {
        Lower = halfWidth is { } h ? Enumerable.Range(0, 107).Select(l => Value(l, shift) - h).ToArray() : null,
        Upper = halfWidth is { } u ? Enumerable.Range(0, 107).Select(l => Value(l, shift) + u).ToArray() : null,
    };

    private static readonly LayerCurve[] Curves =
        [Curve("U-Real vs U-Synthetic", 0, 0.03), Curve("U-Real vs F-Synthetic", 0.02, 0.04), Curve("U-Synthetic vs F-Synthetic", 0.04, null)];

    [Test]
    public void Every_curve_is_a_line_through_its_value_at_every_layer()
    {
        using var figure = LayerCkaFigure.Create("Per-layer CKA, seed 0", Curves, 107, 75, Marks);
        var lines = figure.Plot.GetPlottables<Scatter>().ToList();
        Assert.That(lines.Select(l => l.LegendText), Is.EqualTo(Curves.Select(c => c.Name)));
        for (var s = 0; s < Curves.Length; s++)
        {
            var points = lines[s].Data.GetScatterPoints();
            Assert.That(points.Select(p => p.X), Is.EqualTo(Enumerable.Range(0, 107).Select(l => (double)l)));
            Assert.That(points.Select(p => p.Y), Is.EqualTo(Curves[s].Cka));
        }
    }

    [Test]
    public void Each_interval_is_a_band_spanning_its_bounds()
    {
        using var figure = LayerCkaFigure.Create("t", Curves, 107, 75, Marks);
        var bands = figure.Plot.GetPlottables<FillY>().ToList();
        Assert.That(bands, Has.Count.EqualTo(2), "the two curves with an interval");
        for (var s = 0; s < 2; s++)
        {
            var limits = bands[s].GetAxisLimits();
            Assert.That((limits.Left, limits.Right), Is.EqualTo((0.0, 106.0)));
            Assert.That(limits.Bottom, Is.EqualTo(Curves[s].Lower!.Min()).Within(1e-12));
            Assert.That(limits.Top, Is.EqualTo(Curves[s].Upper!.Max()).Within(1e-12));
        }
        Assert.That(figure.Plot.Legend.GetItems().Select(i => i.LabelText), Does.Contain(LayerCkaFigure.IntervalLegend));
    }

    [Test]
    public void Every_layer_of_a_marked_kind_carries_that_kinds_shape_on_every_curve()
    {
        using var figure = LayerCkaFigure.Create("t", Curves, 107, 75, Marks);
        var markers = figure.Plot.GetPlottables<Markers>().ToList();
        Assert.That(markers, Has.Count.EqualTo(Curves.Length * Marks.Length));
        for (var k = 0; k < Marks.Length; k++)
        {
            var ofKind = markers.Where(m => m.MarkerShape == LayerCkaFigure.Shapes[k]).ToList();
            Assert.That(ofKind, Has.Count.EqualTo(Curves.Length), Marks[k].Kind);
            for (var s = 0; s < Curves.Length; s++)
            {
                var points = ofKind[s].Data.GetScatterPoints();
                Assert.That(points.Select(p => (int)p.X), Is.EqualTo(Marks[k].Layers.Order()), Marks[k].Kind);
                Assert.That(points.Select(p => p.Y), Is.EqualTo(Marks[k].Layers.Order().Select(l => Curves[s].Cka[l])), Marks[k].Kind);
            }
        }
        Assert.That(LayerCkaFigure.Shapes.Take(Marks.Length).Distinct().Count(), Is.EqualTo(Marks.Length), "a shape per kind");
        var legend = figure.Plot.Legend.GetItems().Select(i => i.LabelText).ToList();
        Assert.That(legend, Is.EqualTo(Curves.Select(c => c.Name).Append(LayerCkaFigure.IntervalLegend).Concat(Marks.Select(m => m.Kind))));
    }

    [Test]
    public void Backbone_and_head_are_shaded_and_named_with_the_boundary_between_layers_74_and_75()
    {
        using var figure = LayerCkaFigure.Create("t", Curves, 107, 75, Marks);
        var regions = figure.Plot.GetPlottables<HorizontalSpan>().ToList();
        Assert.That(regions.Select(r => (r.X1, r.X2)), Is.EqualTo(new[] { (-0.5, 74.5), (74.5, 106.5) }));
        var names = figure.Plot.GetPlottables<Text>().ToList();
        Assert.That(names.Select(t => t.LabelText), Is.EqualTo(new[] { "backbone (0–74)", "head (75–106)" }));
        Assert.That(names.Select(t => t.Location.Y), Is.All.GreaterThan(1.0), "the names sit above the CKA scale, clear of every curve");
    }

    [Test]
    public void Axes_show_every_layer_and_the_whole_cka_scale()
    {
        using var figure = LayerCkaFigure.Create("t", Curves, 107, 75, Marks);
        var limits = figure.Plot.Axes.GetLimits();
        Assert.That((limits.Left, limits.Right), Is.EqualTo((-0.5, 106.5)));
        Assert.That((limits.Bottom, limits.Top), Is.EqualTo((0.0, LayerCkaFigure.Top)));
    }

    [Test]
    public void A_nan_value_breaks_the_band_and_gets_no_marker()
    {
        var y = Enumerable.Range(0, 107).Select(l => l == 40 ? double.NaN : 0.5).ToArray();
        var curve = new LayerCurve("s", y) { Lower = y.Select(v => v - 0.1).ToArray(), Upper = y.Select(v => v + 0.1).ToArray() };
        using var figure = LayerCkaFigure.Create("gap", [curve], 107, 75, Marks);
        Assert.That(figure.Plot.GetPlottables<FillY>().Select(b => (b.GetAxisLimits().Left, b.GetAxisLimits().Right)),
            Is.EqualTo(new[] { (0.0, 39.0), (41.0, 106.0) }));
        var shortcut = figure.Plot.GetPlottables<Markers>().First(m => m.MarkerShape == LayerCkaFigure.Shapes[0]);
        Assert.That(shortcut.Data.GetScatterPoints().Select(p => (int)p.X), Is.EqualTo(Shortcuts.Where(l => l != 40)));
    }

    [Test]
    public void Bad_input_is_an_error_naming_the_figure_and_the_curve()
    {
        Assert.That(() => LayerCkaFigure.Create("t", [new LayerCurve("s", [0.5, 0.5])], 107, 75, Marks),
            Throws.ArgumentException.With.Message.Contains("'t'").And.Message.Contains("'s'").And.Message.Contains("2 values for 107 layers"));
        Assert.That(() => LayerCkaFigure.Create("t", [new LayerCurve("s", new double[107]) { Lower = new double[107] }], 107, 75, Marks),
            Throws.ArgumentException.With.Message.Contains("both lower and upper"));
        Assert.That(() => LayerCkaFigure.Create("t", [new LayerCurve("s", new double[107])], 107, 75, [new LayerMarks("yolo", [107])]),
            Throws.ArgumentException.With.Message.Contains("yolo layer 107"));
        Assert.That(() => LayerCkaFigure.Create("t", [], 107, 75, Marks), Throws.ArgumentException.With.Message.Contains("no curves"));
    }
}
