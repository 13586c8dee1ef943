using ScottPlot;
using ScottPlot.TickGenerators;

namespace Repro.Reporting.Plots;

/// <summary>A claim's signed margin to its threshold (positive: it holds), its 95% interval, and its verdict in words.</summary>
internal sealed record ClaimInterval(string Id, double Value, double Lower, double Upper, string Verdict);

/// <summary>
/// The claims table as a picture: a row per claim (the first at the top), its margin as a dot, its interval as a
/// horizontal bar, a line at 0 (the threshold), coloured by verdict. What straddles the line is inconclusive, at sight.
/// A claim with no measured margin keeps its row, empty.
/// </summary>
internal static class ClaimIntervalsFigure
{
    public const int Width = 900;
    public const int RowHeight = 26;

    /// <summary>
    /// Green for evidence, vermillion against, grey for neither; a claim that holds also for the untrained network is a
    /// paler green, and one that holds by construction sky blue: both hold, neither is evidence.
    /// </summary>
    public static Color VerdictColour(string verdict) => verdict switch
    {
        "holds" => Color.FromHex("#009e73"),
        "does not hold" => Color.FromHex("#d55e00"),
        "holds by construction" => Color.FromHex("#56b4e9"),
        _ when verdict.StartsWith("holds", StringComparison.Ordinal) => Color.FromHex("#8fd1bd"),
        _ => Color.FromHex("#888888"),
    };

    public static Figure Create(string title, IReadOnlyList<ClaimInterval> claims)
    {
        if (claims.Count == 0) throw new ArgumentException($"Figure '{title}' has no claims.");
        var plot = FigureStyle.NewPlot(title, "margin to the threshold (positive: the claim holds)", "");
        double Row(int i) => claims.Count - 1 - i;

        plot.Add.VerticalLine(0, 1.2f, FigureStyle.Ink, LinePattern.Dashed);
        foreach (var verdict in claims.Select(c => c.Verdict).Distinct())
        {
            var rows = Enumerable.Range(0, claims.Count).Where(i => claims[i].Verdict == verdict && double.IsFinite(claims[i].Value)).ToList();
            if (rows.Count == 0) continue;
            var colour = VerdictColour(verdict);
            var bounded = rows.Where(i => double.IsFinite(claims[i].Lower) && double.IsFinite(claims[i].Upper)).ToList();
            if (bounded.Count > 0)
            {
                var intervals = new ScottPlot.Plottables.ErrorBar(
                    bounded.Select(i => claims[i].Value).ToArray(), bounded.Select(Row).ToArray(),
                    bounded.Select(i => claims[i].Upper - claims[i].Value).ToArray(), bounded.Select(i => claims[i].Value - claims[i].Lower).ToArray(),
                    null!, null!)
                {
                    LineColor = colour,
                    LineWidth = 2.5f,
                    CapSize = 8,
                };
                plot.Add.Plottable(intervals);
            }
            var dots = plot.Add.Markers(rows.Select(i => claims[i].Value).ToArray(), rows.Select(Row).ToArray(), MarkerShape.FilledCircle, 9, colour);
            dots.MarkerStyle.OutlineColor = FigureStyle.Ink;
            dots.MarkerStyle.OutlineWidth = 0.8f;
            dots.LegendText = verdict;
        }
        FigureStyle.LegendOnTheRight(plot);

        var ends = claims.SelectMany(c => new[] { c.Value, c.Lower, c.Upper }).Where(double.IsFinite).Append(0).ToList();
        var (low, high) = (ends.Min(), ends.Max());
        var pad = Math.Max((high - low) * 0.06, 0.01);
        plot.Axes.SetLimits(low - pad, high + pad, -0.7, claims.Count - 0.3);
        plot.Axes.Left.TickGenerator = new NumericManual(Enumerable.Range(0, claims.Count).Select(Row).ToArray(), claims.Select(c => c.Id).ToArray());
        plot.Grid.YAxisStyle.IsVisible = false;
        return new Figure(plot, Width, 140 + RowHeight * claims.Count);
    }
}
