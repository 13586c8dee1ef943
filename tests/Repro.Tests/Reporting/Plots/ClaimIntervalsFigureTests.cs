using Repro.Reporting.Plots;
using ScottPlot.Plottables;

namespace Repro.Tests.Reporting.Plots;

[TestFixture]
public class ClaimIntervalsFigureTests
{
    private static readonly ClaimInterval[] Claims =
    [
        new("C01", -0.06, -0.11, -0.01, "does not hold"),
        new("C02", 0.004, -0.06, 0.14, "inconclusive"),
        new("C05", 1e-9, 1e-9, 1e-9, "holds by construction"),
        new("C08", 0.13, 0.08, 0.23, "holds"),
        new("C13", double.NaN, double.NaN, double.NaN, "inconclusive"),
    ];

    [Test]
    public void A_row_per_claim_from_the_top_its_margin_a_dot_coloured_by_verdict()
    {
        using var figure = ClaimIntervalsFigure.Create("Claims", Claims);
        var dots = figure.Plot.GetPlottables<Markers>().ToList();
        Assert.That(dots.Select(d => d.LegendText), Is.EqualTo(new[] { "does not hold", "inconclusive", "holds by construction", "holds" }));
        var points = dots.SelectMany(d => d.Data.GetScatterPoints().Select(p => (Row: p.Y, Margin: p.X, d.MarkerFillColor))).OrderByDescending(p => p.Row).ToList();
        Assert.That(points.Select(p => p.Row), Is.EqualTo(new[] { 4.0, 3, 2, 1 }), "C01 on the top row; C13, not measured, keeps its row empty");
        Assert.That(points.Select(p => p.Margin), Is.EqualTo(Claims.Take(4).Select(c => c.Value)));
        Assert.That(points.Select(p => p.MarkerFillColor), Is.EqualTo(Claims.Take(4).Select(c => ClaimIntervalsFigure.VerdictColour(c.Verdict))));
        figure.Plot.RenderInMemory(figure.Width, figure.Height); // ticks are laid out when the figure is drawn
        var rows = (ScottPlot.TickGenerators.NumericManual)figure.Plot.Axes.Left.TickGenerator;
        Assert.That(rows.Ticks.OrderByDescending(t => t.Position).Select(t => t.Label), Is.EqualTo(Claims.Select(c => c.Id)));
    }

    [Test]
    public void Each_interval_spans_its_bounds_and_the_threshold_is_a_line_at_zero()
    {
        using var figure = ClaimIntervalsFigure.Create("Claims", Claims);
        var spans = figure.Plot.GetPlottables<ErrorBar>()
            .SelectMany(e => e.Xs.Select((x, i) => (Row: e.Ys[i], Low: x - e.XErrorNegative![i], High: x + e.XErrorPositive![i]))).OrderByDescending(s => s.Row).ToList();
        Assert.That(spans.Select(s => s.Row), Is.EqualTo(new[] { 4.0, 3, 2, 1 }));
        Assert.That(spans.Select(s => s.Low), Is.EqualTo(Claims.Take(4).Select(c => c.Lower)).Within(1e-12));
        Assert.That(spans.Select(s => s.High), Is.EqualTo(Claims.Take(4).Select(c => c.Upper)).Within(1e-12));
        Assert.That(figure.Plot.GetPlottables<VerticalLine>().Single().X, Is.EqualTo(0.0));
        var limits = figure.Plot.Axes.GetLimits();
        Assert.That(limits.Left, Is.LessThan(-0.11));
        Assert.That(limits.Right, Is.GreaterThan(0.23));
    }

    [Test]
    public void Verdicts_that_hold_without_being_evidence_are_told_apart_from_evidence()
    {
        var colours = new[] { "holds", "holds by construction", "holds (uninformative: also holds untrained)", "does not hold", "inconclusive" }
            .Select(ClaimIntervalsFigure.VerdictColour).ToList();
        Assert.That(colours.Distinct().Count(), Is.EqualTo(colours.Count));
    }
}
