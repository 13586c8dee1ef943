using Repro.Reporting.Plots;
using ScottPlot.Plottables;

namespace Repro.Tests.Reporting.Plots;

[TestFixture]
public class TrainingCurvesFigureTests
{
    private static readonly double[] Epochs = Enumerable.Range(1, 10).Select(e => (double)e).ToArray();

    private static TrainingCurve Run(string model, int seed) => new(model, seed, Epochs, Epochs.Select(e => 20 / e + seed + (model == "F-Synthetic" ? 5 : 0)).ToArray());

    private static readonly TrainingCurve[] Runs =
        (from seed in new[] { 0, 1, 2 } from model in new[] { "U-Real", "U-Synthetic", "F-Synthetic" } select Run(model, seed)).ToArray();

    [Test]
    public void A_line_per_run_through_its_loss_at_every_epoch()
    {
        using var figure = TrainingCurvesFigure.Create("Validation loss", "loss", Runs);
        var lines = figure.Plot.GetPlottables<Scatter>().ToList();
        Assert.That(lines, Has.Count.EqualTo(9));
        foreach (var run in Runs)
        {
            var line = lines.Single(l => l.LegendText == $"{run.Model}, seed {run.Seed}");
            Assert.That(line.Data.GetScatterPoints().Select(p => (p.X, p.Y)), Is.EqualTo(run.Epochs.Zip(run.Loss)));
        }
    }

    [Test]
    public void Runs_of_one_model_share_a_colour_and_runs_of_one_seed_a_dash_pattern()
    {
        using var figure = TrainingCurvesFigure.Create("t", "loss", Runs);
        var lines = figure.Plot.GetPlottables<Scatter>().ToList();
        var byModel = lines.GroupBy(l => l.LegendText.Split(',')[0]).ToList();
        Assert.That(byModel.Select(g => g.Select(l => l.LineColor).Distinct().Count()), Is.All.EqualTo(1));
        Assert.That(byModel.Select(g => g.First().LineColor).Distinct().Count(), Is.EqualTo(3));
        var bySeed = lines.GroupBy(l => l.LegendText.Split(',')[1]).ToList();
        Assert.That(bySeed.Select(g => g.Select(l => l.LinePattern.Name).Distinct().Count()), Is.All.EqualTo(1));
        Assert.That(bySeed.Select(g => g.First().LinePattern.Name).Distinct().Count(), Is.EqualTo(3));
        Assert.That(lines.Select(l => l.LegendText).Take(3), Is.EqualTo(new[] { "U-Real, seed 0", "U-Real, seed 1", "U-Real, seed 2" }), "the legend groups a model's runs");
    }

    [Test]
    public void Axes_hold_every_epoch_and_every_loss()
    {
        using var figure = TrainingCurvesFigure.Create("t", "loss", Runs);
        var limits = figure.Plot.Axes.GetLimits();
        Assert.That(limits.Left, Is.LessThan(1));
        Assert.That(limits.Right, Is.GreaterThan(10));
        Assert.That(limits.Bottom, Is.LessThan(Runs.Min(r => r.Loss.Min())));
        Assert.That(limits.Top, Is.GreaterThan(Runs.Max(r => r.Loss.Max())));
    }

    [Test]
    public void A_run_with_more_epochs_than_losses_is_an_error_naming_it()
    {
        Assert.That(() => TrainingCurvesFigure.Create("t", "loss", [new TrainingCurve("U-Real", 1, Epochs, [1.0])]),
            Throws.ArgumentException.With.Message.Contains("U-Real seed 1").And.Message.Contains("10 epochs for 1 losses"));
    }
}
