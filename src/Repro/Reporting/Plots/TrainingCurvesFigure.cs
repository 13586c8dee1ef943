using ScottPlot;
using ScottPlot.TickGenerators;

namespace Repro.Reporting.Plots;

/// <summary>One training run's loss per epoch.</summary>
internal sealed record TrainingCurve(string Model, int Seed, IReadOnlyList<double> Epochs, IReadOnlyList<double> Loss);

/// <summary>
/// Loss per epoch of every training run: a colour per model and a dash pattern per seed, so nine runs read as three
/// models at a glance (a colour per run would cycle the palette and give two runs one colour).
/// </summary>
internal static class TrainingCurvesFigure
{
    public const int Width = 960;
    public const int Height = 520;

    public static readonly IReadOnlyList<LinePattern> SeedPatterns = [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed];

    public static Figure Create(string title, string yLabel, IReadOnlyList<TrainingCurve> curves)
    {
        if (curves.Count == 0) throw new ArgumentException($"Figure '{title}' has no curves.");
        foreach (var c in curves)
            if (c.Epochs.Count != c.Loss.Count)
                throw new ArgumentException($"Figure '{title}', {c.Model} seed {c.Seed}: {c.Epochs.Count} epochs for {c.Loss.Count} losses.");
        var models = curves.Select(c => c.Model).Distinct().ToList();
        var seeds = curves.Select(c => c.Seed).Distinct().Order().ToList();

        var plot = FigureStyle.NewPlot(title, "epoch", yLabel);
        foreach (var c in curves.OrderBy(c => models.IndexOf(c.Model)).ThenBy(c => c.Seed))
        {
            var line = plot.Add.ScatterLine(c.Epochs.ToArray(), c.Loss.ToArray(), FigureStyle.SeriesColour(models.IndexOf(c.Model)));
            line.LineWidth = 2;
            line.LinePattern = SeedPatterns[seeds.IndexOf(c.Seed) % SeedPatterns.Count];
            line.LegendText = $"{c.Model}, seed {c.Seed}";
        }
        FigureStyle.LegendOnTheRight(plot);

        var epochs = curves.SelectMany(c => c.Epochs).Where(double.IsFinite).ToList();
        var losses = curves.SelectMany(c => c.Loss).Where(double.IsFinite).ToList();
        if (epochs.Count > 0 && losses.Count > 0)
        {
            var (low, high) = (losses.Min(), losses.Max());
            var pad = Math.Max((high - low) * 0.05, 1e-9);
            plot.Axes.SetLimits(epochs.Min() - 0.25, epochs.Max() + 0.25, Math.Max(0, low - pad), high + pad);
        }
        // Whole epochs only: a tick at 2.5 epochs means nothing.
        plot.Axes.Bottom.TickGenerator = new NumericFixedInterval(Math.Max(1, Math.Ceiling((epochs.Count == 0 ? 10 : epochs.Max()) / 10)));
        return new Figure(plot, Width, Height);
    }
}
