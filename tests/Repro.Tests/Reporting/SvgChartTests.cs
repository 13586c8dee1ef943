using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Repro.Reporting.Plots;

namespace Repro.Tests.Reporting;

[TestFixture]
public class SvgChartTests
{
    private static readonly XNamespace S = "http://www.w3.org/2000/svg";

    // YOLOv3's layer kinds (darknet numbering), as the CKA figures mark them.
    private static readonly int[] Shortcuts = { 4, 8, 11, 15, 18, 21, 24, 27, 30, 33, 36, 40, 43, 46, 49, 52, 55, 58, 61, 65, 68, 71, 74 };
    private static readonly int[] Routes = { 83, 86, 95, 98 };
    private static readonly int[] Yolo = { 82, 94, 106 };

    private static XDocument Parse(string svg) => XDocument.Parse(svg); // throws on malformed XML

    private static IEnumerable<XElement> WithClass(XDocument doc, string cls) =>
        doc.Descendants().Where(e => ((string?)e.Attribute("class"))?.Split(' ').Contains(cls) == true);

    private static double D(XElement e, string attribute) => double.Parse((string)e.Attribute(attribute)!, CultureInfo.InvariantCulture);

    private static LineChart CkaChart()
    {
        double Curve(int layer, double shift) => Math.Clamp(0.95 - 0.008 * layer + shift + 0.05 * Math.Sin(layer), 0, 1);
        var series = new[]
        {
            new LineSeries("U-Real vs U-Synthetic", Enumerable.Range(0, 107).Select(l => Curve(l, 0)).ToArray())
            {
                Lower = Enumerable.Range(0, 107).Select(l => Curve(l, 0) - 0.03).ToArray(),
                Upper = Enumerable.Range(0, 107).Select(l => Curve(l, 0) + 0.03).ToArray(),
            },
            new LineSeries("U-Real vs F-Synthetic", Enumerable.Range(0, 107).Select(l => Curve(l, 0.02)).ToArray())
            {
                Lower = Enumerable.Range(0, 107).Select(l => Curve(l, 0.02) - 0.04).ToArray(),
                Upper = Enumerable.Range(0, 107).Select(l => Curve(l, 0.02) + 0.04).ToArray(),
            },
            new LineSeries("U-Synthetic vs F-Synthetic", Enumerable.Range(0, 107).Select(l => Curve(l, 0.04)).ToArray()),
        };
        return LineChart.LayerCka("Per-layer CKA, seed 0", series, layerCount: 107, firstHeadLayer: 75, new[]
        {
            new LayerMarkers("shortcut", MarkerShape.Circle, Shortcuts),
            new LayerMarkers("route", MarkerShape.Square, Routes),
            new LayerMarkers("yolo", MarkerShape.TriangleUp, Yolo),
        });
    }

    [Test]
    public void Cka_line_chart_is_well_formed_svg_with_every_series_band_marker_region_and_legend_entry()
    {
        var doc = Parse(CkaChart().ToSvg());
        Assert.That(doc.Root!.Name, Is.EqualTo(S + "svg"));
        Assert.That(doc.Root.Element(S + "title")!.Value, Is.EqualTo("Per-layer CKA, seed 0"));

        Assert.That(WithClass(doc, "series").Count(), Is.EqualTo(3));
        Assert.That(WithClass(doc, "band").Count(), Is.EqualTo(2));
        Assert.That(WithClass(doc, "marker-shortcut").Count(), Is.EqualTo(3 * 23));
        Assert.That(WithClass(doc, "marker-route").Count(), Is.EqualTo(3 * 4));
        Assert.That(WithClass(doc, "marker-yolo").Count(), Is.EqualTo(3 * 3));
        // Distinct shapes per kind.
        Assert.That(WithClass(doc, "marker-shortcut").Select(e => e.Name.LocalName).Distinct(), Is.EqualTo(new[] { "circle" }));
        Assert.That(WithClass(doc, "marker-route").Select(e => e.Name.LocalName).Distinct(), Is.EqualTo(new[] { "rect" }));
        Assert.That(WithClass(doc, "marker-yolo").Select(e => e.Name.LocalName).Distinct(), Is.EqualTo(new[] { "polygon" }));

        Assert.That(WithClass(doc, "region-label").Select(e => e.Value), Is.EqualTo(new[] { "backbone (0–74)", "head (75–106)" }));
        // 3 series + 2 intervals + 3 marker kinds + 2 regions.
        Assert.That(WithClass(doc, "legend-item").Count(), Is.EqualTo(10));
        var xTicks = WithClass(doc, "tick-label").Select(e => e.Value).ToList();
        Assert.That(xTicks, Is.SupersetOf(new[] { "0", "10", "50", "100", "0.0", "0.2", "1.0" }));
    }

    [Test]
    public void Line_points_and_regions_land_where_the_axes_say()
    {
        var chart = CkaChart();
        var doc = Parse(chart.ToSvg());
        var frame = WithClass(doc, "frame").Single();
        double left = D(frame, "x"), top = D(frame, "y"), width = D(frame, "width"), height = D(frame, "height");
        // x range is −0.5 … 106.5 (a half layer of margin), y range 0 … 1.
        double Px(double layer) => left + (layer + 0.5) / 107 * width;
        double Py(double value) => top + height - value * height;

        var path = (string)WithClass(doc, "series").First().Attribute("d")!;
        var points = Regex.Matches(path, @"([ML])(-?\d+\.\d+),(-?\d+\.\d+)").Select(m => (m.Groups[1].Value, double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture))).ToList();
        Assert.That(points, Has.Count.EqualTo(107));
        Assert.That(points.Count(p => p.Item1 == "M"), Is.EqualTo(1));
        for (var layer = 0; layer < 107; layer++)
        {
            Assert.That(points[layer].Item2, Is.EqualTo(Px(layer)).Within(0.006), $"x of layer {layer}");
            Assert.That(points[layer].Item3, Is.EqualTo(Py(chart.Series[0].Y[layer])).Within(0.006), $"y of layer {layer}");
        }

        var regions = WithClass(doc, "region").ToList();
        Assert.That(D(regions[0], "x"), Is.EqualTo(left).Within(0.006));
        Assert.That(D(regions[0], "x") + D(regions[0], "width"), Is.EqualTo(Px(74.5)).Within(0.01), "backbone ends between layers 74 and 75");
        Assert.That(D(regions[1], "x") + D(regions[1], "width"), Is.EqualTo(left + width).Within(0.01));
    }

    [Test]
    public void A_nan_value_breaks_the_line_and_gets_no_marker()
    {
        var y = Enumerable.Range(0, 107).Select(l => l == 40 ? double.NaN : 0.5).ToArray();
        var chart = LineChart.LayerCka("gap", new[] { new LineSeries("s", y) }, 107, 75, new[] { new LayerMarkers("shortcut", MarkerShape.Circle, Shortcuts) });
        var doc = Parse(chart.ToSvg());
        var path = (string)WithClass(doc, "series").Single().Attribute("d")!;
        Assert.That(path.Count(c => c == 'M'), Is.EqualTo(2));
        Assert.That(WithClass(doc, "marker-shortcut").Count(), Is.EqualTo(22));
    }

    [Test]
    public void Training_curves_are_a_plain_line_chart_with_automatic_ranges()
    {
        var epochs = Enumerable.Range(1, 12).Select(e => (double)e).ToArray();
        var chart = new LineChart("Training, U-Real seed 0", "epoch", "loss", new[]
        {
            new LineSeries("train", epochs.Select(e => 8 / e).ToArray()) { X = epochs },
            new LineSeries("validation", epochs.Select(e => 9 / e + 0.1).ToArray()) { X = epochs },
        });
        var doc = Parse(chart.ToSvg());
        Assert.That(WithClass(doc, "series").Count(), Is.EqualTo(2));
        Assert.That(WithClass(doc, "band"), Is.Empty);
        Assert.That(WithClass(doc, "legend-item").Count(), Is.EqualTo(2));
        var labels = WithClass(doc, "tick-label").Select(e => e.Value).ToList();
        Assert.That(labels, Does.Contain("0").And.Contain("10"), "y axis covers 0 … 10 (max 9.1 rounded up to a tick)");
    }

    [Test]
    public void Heatmap_has_one_cell_per_entry_row_zero_at_the_bottom_and_colours_from_the_colormap()
    {
        var n = 107;
        var m = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                m[i, j] = 0.5;
        m[0, 0] = 0;
        m[0, n - 1] = 1;
        m[5, 7] = double.NaN;
        m[6, 7] = 2; // clamped to the top of the scale
        var doc = Parse(new Heatmap("Layer vs layer CKA", m) { Boundaries = new[] { 75 } }.ToSvg());

        var cells = doc.Descendants(S + "g").Single(g => (string?)g.Attribute("class") == "cells").Elements(S + "rect").ToList();
        Assert.That(cells, Has.Count.EqualTo(n * n));
        XElement At(int i, int j) => cells.Single(c => (string)c.Attribute("x")! == j.ToString(CultureInfo.InvariantCulture) && (string)c.Attribute("y")! == (n - 1 - i).ToString(CultureInfo.InvariantCulture));
        Assert.That((string)At(0, 0).Attribute("fill")!, Is.EqualTo("#440154"));
        Assert.That((string)At(0, n - 1).Attribute("fill")!, Is.EqualTo("#fde725"));
        Assert.That((string)At(6, 7).Attribute("fill")!, Is.EqualTo("#fde725"));
        Assert.That((string)At(3, 3).Attribute("fill")!, Is.EqualTo("#21908c"));
        Assert.That((string)At(5, 7).Attribute("fill")!, Is.EqualTo("#bdbdbd"));

        var ticks = WithClass(doc, "tick-label").Select(e => e.Value).ToList();
        foreach (var t in new[] { "0", "10", "70", "75", "80", "100" })
            Assert.That(ticks.Count(v => v == t), Is.EqualTo(2), $"layer tick {t} on both axes");
        Assert.That(WithClass(doc, "boundary").Count(), Is.EqualTo(2));
    }

    [Test]
    public void Colour_bar_maps_zero_to_the_first_and_one_to_the_last_colormap_colour()
    {
        var doc = Parse(new Heatmap("h", new double[,] { { 0, 1 }, { 1, 0 } }).ToSvg());
        var gradient = doc.Descendants(S + "linearGradient").Single();
        var stops = gradient.Elements(S + "stop").ToList();
        Assert.That((string)stops[0].Attribute("offset")!, Is.EqualTo("0"));
        Assert.That((string)stops[0].Attribute("stop-color")!, Is.EqualTo(Colormap.Viridis.At(0).Hex));
        Assert.That((string)stops[^1].Attribute("offset")!, Is.EqualTo("1"));
        Assert.That((string)stops[^1].Attribute("stop-color")!, Is.EqualTo(Colormap.Viridis.At(1).Hex));
        // The gradient runs bottom (offset 0) to top (offset 1), and the labels agree: 0 at the bottom, 1 at the top.
        Assert.That(((string)gradient.Attribute("y1")!, (string)gradient.Attribute("y2")!), Is.EqualTo(("1", "0")));
        var bar = doc.Descendants(S + "g").Single(g => (string?)g.Attribute("class") == "colour-bar");
        var labels = bar.Elements(S + "text").Where(t => (string?)t.Attribute("class") == "tick-label").ToList();
        var zero = labels.Single(t => t.Value == "0.0");
        var one = labels.Single(t => t.Value == "1.0");
        Assert.That(D(zero, "y"), Is.GreaterThan(D(one, "y")));
        var rect = bar.Element(S + "rect")!;
        Assert.That(D(zero, "y") - 4, Is.EqualTo(D(rect, "y") + D(rect, "height")).Within(0.01));
        Assert.That(D(one, "y") - 4, Is.EqualTo(D(rect, "y")).Within(0.01));
    }

    [Test]
    public void Viridis_interpolates_between_its_control_points_and_gets_lighter_throughout()
    {
        var v = Colormap.Viridis;
        Assert.That(v.At(0).Hex, Is.EqualTo("#440154"));
        Assert.That(v.At(1).Hex, Is.EqualTo("#fde725"));
        Assert.That(v.At(-3), Is.EqualTo(v.At(0)));
        Assert.That(v.At(7), Is.EqualTo(v.At(1)));
        // Halfway between the samples at 0.0 (#440154) and 0.1 (#482576), rounded half away from zero.
        Assert.That(v.At(0.05), Is.EqualTo(new Rgb(0x46, 0x13, 0x65)));

        static double Luminance(Rgb c)
        {
            static double Linear(byte b) { var s = b / 255.0; return s <= 0.04045 ? s / 12.92 : Math.Pow((s + 0.055) / 1.055, 2.4); }
            return 0.2126 * Linear(c.R) + 0.7152 * Linear(c.G) + 0.0722 * Linear(c.B);
        }
        var previous = -1.0;
        for (var k = 0; k <= 100; k++)
        {
            var l = Luminance(v.At(k / 100.0));
            Assert.That(l, Is.GreaterThan(previous), $"lightness rises at t = {k / 100.0}");
            previous = l;
        }
    }

    [Test]
    public void Grouped_bars_have_one_bar_per_model_and_test_set_with_heights_proportional_to_the_value()
    {
        var chart = new BarChart("mAP@0.5", "test set", "mAP", new[] { "BDD (real)", "GTAV (synthetic)" }, new[]
        {
            new BarSeries("U-Real", new[] { 0.43, 0.44 }) { Lower = new[] { 0.42, 0.43 }, Upper = new[] { 0.44, 0.45 } },
            new BarSeries("U-Synthetic", new[] { 0.12, 0.89 }),
            new BarSeries("F-Synthetic", new[] { 0.12, double.NaN }),
        }) { YRange = (0, 1) };
        var doc = Parse(chart.ToSvg());
        var bars = WithClass(doc, "bar").ToList();
        Assert.That(bars, Has.Count.EqualTo(5), "the NaN entry draws no bar");
        Assert.That(WithClass(doc, "error-bar").Count(), Is.EqualTo(2));
        Assert.That(WithClass(doc, "value-label").Select(e => e.Value), Is.EqualTo(new[] { "0.43", "0.44", "0.12", "0.89", "0.12", "n/a" }));
        var frame = WithClass(doc, "frame").Single();
        var h = D(frame, "height");
        var bottom = D(frame, "y") + h;
        var synOnGta = bars.Single(b => (string)b.Attribute("data-series")! == "U-Synthetic" && (string)b.Attribute("data-group")! == "GTAV (synthetic)");
        Assert.That(D(synOnGta, "height"), Is.EqualTo(0.89 * h).Within(0.01));
        Assert.That(D(synOnGta, "y") + D(synOnGta, "height"), Is.EqualTo(bottom).Within(0.01));
        Assert.That(WithClass(doc, "legend-item").Count(), Is.EqualTo(3));
    }

    [Test]
    public void Same_input_gives_byte_identical_output_whatever_the_culture()
    {
        var m = new double[20, 20];
        for (var i = 0; i < 20; i++) for (var j = 0; j < 20; j++) m[i, j] = Math.Exp(-Math.Abs(i - j) / 4.0);
        IChart[] charts =
        {
            CkaChart(),
            new Heatmap("h", m) { Boundaries = new[] { 15 } },
            new BarChart("b", "x", "y", new[] { "a", "b" }, new[] { new BarSeries("s", new[] { 0.25, 0.75 }) }),
        };
        var first = charts.Select(c => c.ToSvg()).ToArray();
        var previous = CultureInfo.CurrentCulture;
        try
        {
            var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            CultureInfo.CurrentCulture = comma;
            for (var k = 0; k < charts.Length; k++)
                Assert.That(charts[k].ToSvg(), Is.EqualTo(first[k]), $"chart {k}");
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
        Assert.That(first[0], Does.Not.Contain("-0.00"));
        Assert.That(first[0], Does.Not.Contain("\r"));
    }

    [Test]
    public void Chart_file_is_written_atomically_with_the_svg_bytes()
    {
        var dir = Directory.CreateTempSubdirectory("repro-plots-").FullName;
        try
        {
            var path = Path.Combine(dir, "fig4.svg");
            var chart = CkaChart();
            ChartFile.Write(path, chart);
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(System.Text.Encoding.UTF8.GetBytes(chart.ToSvg())));
            Assert.That(Directory.GetFiles(dir), Has.Length.EqualTo(1));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Bad_input_is_an_error_naming_the_chart_and_the_series()
    {
        var shortSeries = new LineChart("t", "x", "y", new[] { new LineSeries("s", new[] { 1.0, 2.0 }) { X = new[] { 1.0 } } });
        Assert.That(shortSeries.ToSvg, Throws.ArgumentException.With.Message.Contains("'t'").And.Message.Contains("'s'"));
        var halfBand = new LineChart("t", "x", "y", new[] { new LineSeries("s", new[] { 1.0 }) { Lower = new[] { 0.5 } } });
        Assert.That(halfBand.ToSvg, Throws.ArgumentException.With.Message.Contains("both lower and upper"));
        var badMarker = LineChart.LayerCka("t", new[] { new LineSeries("s", new[] { 0.5, 0.5 }) }, 2, 1, new[] { new LayerMarkers("yolo", MarkerShape.Diamond, new[] { 5 }) });
        Assert.That(badMarker.ToSvg, Throws.ArgumentException.With.Message.Contains("layer 5"));
        var bars = new BarChart("b", "x", "y", new[] { "a", "b" }, new[] { new BarSeries("s", new[] { 1.0 }) });
        Assert.That(bars.ToSvg, Throws.ArgumentException.With.Message.Contains("1 values for 2 groups"));
        Assert.That(new Heatmap("h", new double[0, 0]).ToSvg, Throws.ArgumentException.With.Message.Contains("'h'"));
    }
}
