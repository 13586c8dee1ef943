using System.Globalization;
using Repro.Models;
using Repro.Similarity;
using Repro.Statistics;
using Repro.Torch;

namespace Repro.Tests.Similarity;

/// <summary>
/// What a 95 % interval covers where the study works: 500 features per layer against 48 images (ci) or 200 (the
/// paper), four layers, three seeds compared on the same images and resampled jointly (one bootstrap seed for every
/// comparison, as the analysis does), R = 100 replicates, and the two statistics the claims and Table 5 read: a region
/// mean (seed 0's mean CKA over the four layers) and the worst seed's margin, min over seeds of
/// mean(layers 0–1) − mean(layers 2–3), recomputed replicate by replicate as <c>ClaimStatistic</c> does.
/// <para>
/// Two targets. The population value (<see cref="SeedsOnSharedImages"/> knows it) is out of reach here: biased CKA
/// over n images overshoots it by several times its own spread, so no interval of it covers the population. What the
/// intervals can cover is the statistic's expectation over samples of n images, computed from biased CKA. That is
/// estimated by Monte Carlo from the other simulations (leave one out: the other N − 1 samples are fresh draws
/// independent of the one judged), with an error of SD/√(N−1), at most about 0.05 of an interval's half-width, which moves
/// coverage by well under a point.
/// </para>
/// <para>
/// Bands. Every number is deterministic (seeded); the bands are there so that a harmless change (other seeds,
/// rounding) passes and a real bug does not. The Monte Carlo error of a coverage c from N simulations is
/// √(c(1−c)/N): 1.2 points at 87 % and 0.5 at 98 % for N = 800 (n = 48), 1.5 points at 97 % for N = 150 (n = 200).
/// Each band's edges lie 3.6 or more errors from the measured coverage; the bugs named below land outside them (the
/// tests check that they do): the percentile interval (0–6 %) by more than 75 points, per-comparison replicates by 2.7 (the
/// narrowest call, so that band is as tight as 3.6 errors allow). docs/similarity.md has the table.
/// </para>
/// </summary>
public class BootstrapCoverageInTheStudyRegimeTests
{
    private const int Features = 500, Seeds = 3, Replicates = 100;
    private const double Level = 0.95;

    /// <summary>Noise per layer: population CKA 0.95, 0.74, 0.49, 0.31, so the front two layers are the similar ones.</summary>
    private static readonly double[] Noise = [0.1, 0.2, 0.3, 0.4];

    /// <summary>Half of each layer's noise is the same for every seed: the seeds' estimates move together (correlation ≈ 0.9 at n = 48), as the study's do on shared images.</summary>
    private const double SharedNoise = 0.5;

    private static readonly NamedLayerRange[] AllLayers = [new("all", new LayerRange(0, 3))];

    // n = 200 runs 150 simulations: a simulation there costs about ten times one at n = 48, and a test stays under 20 s.
    // Only n = 48 also draws every comparison's replicates on its own (the bug a test below needs).
    private static readonly Dictionary<int, Lazy<Simulation>> Simulations = new()
    {
        [48] = new(() => Simulate(images: 48, simulations: 800, perComparisonToo: true)),
        [200] = new(() => Simulate(images: 200, simulations: 150, perComparisonToo: false)),
    };

    /// <summary>Bands for the centred interval's coverage of the expectation over n images. Measured 98.3 % (n = 48) and 96.7 % (n = 200): the low edges 7 and 4.5 errors below.</summary>
    private static (double Low, double High) RegionMeanBand(int images) => images == 48 ? (0.95, 1.0) : (0.90, 1.0);

    /// <summary>Measured 87.3 % (n = 48: edges 3.6 and 4.8 errors away) and 98.7 % (n = 200: 9 errors above 0.90).</summary>
    private static (double Low, double High) WorstSeedMarginBand(int images) => images == 48 ? (0.83, 0.93) : (0.90, 1.0);

    [TestCase(48)]
    [TestCase(200)]
    public void CentredIntervalsOfARegionMeanCoverItsExpectationOverNImages(int images)
    {
        var sim = Simulations[images].Value;
        var coverage = sim.RegionMean.Coverage(sim.RegionMean.Centred, sim.RegionMean.Expectation);
        sim.Report("region mean", sim.RegionMean, coverage);
        // Conservative, not short: here the bootstrap's spread of a mean over layers exceeds the estimate's own.
        Assert.That(coverage, Is.InRange(RegionMeanBand(images).Low, RegionMeanBand(images).High));
    }

    [TestCase(48)]
    [TestCase(200)]
    public void CentredIntervalsOfTheWorstSeedMarginCoverItsExpectationOverNImages(int images)
    {
        var sim = Simulations[images].Value;
        var coverage = sim.WorstSeedMargin.Coverage(sim.WorstSeedMargin.Centred, sim.WorstSeedMargin.Expectation);
        sim.Report("worst-seed margin", sim.WorstSeedMargin, coverage);
        // At n = 48 the interval is short of 95 % (measured 88 %; one seed's margin alone covers as often, so the
        // difference of regions, not the minimum, is what the bootstrap's spread underestimates). The band says so
        // rather than pretending 95 %: it is the measured coverage ± 4 Monte Carlo errors.
        Assert.That(coverage, Is.InRange(WorstSeedMarginBand(images).Low, WorstSeedMarginBand(images).High));
    }

    [TestCase(48)]
    [TestCase(200)]
    public void NoIntervalCoversThePopulationValueBecauseBiasedCkaOvershootsItByManyTimesItsSpread(int images)
    {
        var sim = Simulations[images].Value;
        foreach (var (name, statistic) in sim.Statistics)
        {
            // The regime: the estimate's expectation differs from the population value by more than 4 spreads.
            Assert.That(Math.Abs(statistic.Values.Average() - statistic.Population), Is.GreaterThan(4 * statistic.Spread), name);
            foreach (var (method, intervals) in new[] { ("centred", statistic.Centred), ("percentile", statistic.Percentile) })
                Assert.That(statistic.Coverage(intervals, _ => statistic.Population), Is.LessThan(0.02), $"{name}, {method}");
        }
    }

    [TestCase(48)]
    [TestCase(200)]
    public void PercentileIntervalsMissTheExpectationFarBelowTheBand(int images)
    {
        // The bug this catches: the percentile interval as default (or the centring dropped). Resampled CKA with
        // repeated images runs high by far more than its spread when features ≫ images, so the uncentred replicates
        // sit beside the target, not around it (measured 0–6 % against bands starting at 83 %).
        var sim = Simulations[images].Value;
        Assert.That(sim.RegionMean.Coverage(sim.RegionMean.Percentile, sim.RegionMean.Expectation), Is.LessThan(RegionMeanBand(images).Low - 0.3));
        Assert.That(sim.WorstSeedMargin.Coverage(sim.WorstSeedMargin.Percentile, sim.WorstSeedMargin.Expectation),
            Is.LessThan(WorstSeedMarginBand(images).Low - 0.3));
    }

    [Test]
    public void ResamplingEachComparisonOnItsOwnImagesDropsTheWorstSeedMarginBelowTheBand()
    {
        // The bug this catches: replicates drawn per comparison (a bootstrap seed per comparison) instead of jointly.
        // The seeds' margins then vary independently in the replicates, though their estimates move together on
        // shared images, and the minimum of three independent margins spreads less than the minimum of three that
        // move together: the interval narrows (by a fifth) and coverage drops (measured 79.1 % against the band's
        // 83 %, error 1.4 points: 2.7 errors below). Only at n = 48: at n = 200 the seeds' estimates are less correlated (≈ 0.75) and the
        // interval conservative, so the drop (≈ 2 points) is within what 150 simulations resolve.
        var sim = Simulations[48].Value;
        var margin = sim.WorstSeedMargin;
        var coverage = margin.Coverage(margin.PerComparison!, margin.Expectation);
        TestContext.Out.WriteLine($"worst-seed margin, n = 48, replicates per comparison: centred coverage of the expectation {coverage:P1}" +
                                  $" (joint: {margin.Coverage(margin.Centred, margin.Expectation):P1})");
        Assert.That(coverage, Is.LessThan(WorstSeedMarginBand(48).Low));
    }

    private static Simulation Simulate(int images, int simulations, bool perComparisonToo)
    {
        var model = new SeedsOnSharedImages(Features, Noise, Seeds, SharedNoise);
        var population = Enumerable.Range(0, model.Layers).Select(model.PopulationCka).ToArray();
        var regionMean = new Statistic(population.Average(), simulations, perComparisonToo);
        var worstSeedMargin = new Statistic(Margin(population), simulations, perComparisonToo);
        using var generator = new Generator(1000 + images);
        for (var s = 0; s < simulations; s++)
        {
            using var scope = torch.NewDisposeScope();
            var comparisons = model.Sample(images, generator);
            try
            {
                // Joint: one bootstrap seed for all three comparisons, so replicate r drew the same images for each.
                var joint = comparisons.Select(c => CkaBootstrap.Run(c.A, c.B, new BootstrapOptions(Replicates, Level, Seed: s), AllLayers)).ToArray();
                var mean = joint[0].Means[0].Mean;
                regionMean.Add(s, mean, BootstrapInterval.Of(mean.Value, joint[0].Replicates.Select(r => r.Average()).ToArray(), null, Level,
                    IntervalMethod.Percentile, 0, 1));
                var (value, centred, percentile) = WorstSeedMargin(joint);
                worstSeedMargin.Add(s, centred, percentile);
                if (perComparisonToo)
                {
                    var separate = comparisons.Select((c, k) =>
                        CkaBootstrap.Run(c.A, c.B, new BootstrapOptions(Replicates, Level, Seed: 1_000_000 + Seeds * s + k), AllLayers)).ToArray();
                    worstSeedMargin.PerComparison![s] = WorstSeedMargin(separate).Centred;
                }
            }
            finally
            {
                foreach (var (a, b) in comparisons) { a.Dispose(); b.Dispose(); }
            }
        }
        return new Simulation(images, simulations, regionMean, worstSeedMargin);
    }

    private static double Margin(IReadOnlyList<double> layers) => (layers[0] + layers[1]) / 2 - (layers[2] + layers[3]) / 2;

    /// <summary>
    /// The worst seed's margin and its intervals from the replicates, as a claim reads them: the centred interval,
    /// widened to reach the value where it does not (<c>ClaimStatistic.Containing</c>), and the percentile interval.
    /// </summary>
    private static (double Value, Estimate Centred, Estimate Percentile) WorstSeedMargin(IReadOnlyList<BootstrapResult> seeds)
    {
        var value = seeds.Min(r => Margin(r.PerLayer.Select(p => p.Cka.Value).ToArray()));
        var replicates = Enumerable.Range(0, Replicates).Select(i => seeds.Min(r => Margin(r.Replicates[i]))).ToArray();
        var centred = BootstrapInterval.Of(value, replicates, null, Level, IntervalMethod.Centered);
        centred = centred with { Lower = Math.Min(centred.Lower, value), Upper = Math.Max(centred.Upper, value) };
        return (value, centred, BootstrapInterval.Of(value, replicates, null, Level, IntervalMethod.Percentile));
    }

    /// <summary>One statistic's estimate and intervals in every simulation, and its population value.</summary>
    private sealed class Statistic(double population, int simulations, bool perComparison)
    {
        public double Population { get; } = population;
        public double[] Values { get; } = new double[simulations];
        public Estimate[] Centred { get; } = new Estimate[simulations];
        public Estimate[] Percentile { get; } = new Estimate[simulations];
        public Estimate[]? PerComparison { get; } = perComparison ? new Estimate[simulations] : null;

        public void Add(int s, Estimate centred, Estimate percentile) => (Values[s], Centred[s], Percentile[s]) = (centred.Value, centred, percentile);

        /// <summary>The expectation over n images for simulation s, from the other simulations.</summary>
        public double Expectation(int s) => (Values.Sum() - Values[s]) / (Values.Length - 1);

        public double Spread => Math.Sqrt(Values.Sum(v => Math.Pow(v - Values.Average(), 2)) / (Values.Length - 1));

        public double Coverage(Estimate[] intervals, Func<int, double> target) =>
            Enumerable.Range(0, intervals.Length).Count(s => intervals[s].Lower <= target(s) && target(s) <= intervals[s].Upper) / (double)intervals.Length;
    }

    private sealed record Simulation(int Images, int Count, Statistic RegionMean, Statistic WorstSeedMargin)
    {
        public IEnumerable<(string Name, Statistic Statistic)> Statistics => [("region mean", RegionMean), ("worst-seed margin", WorstSeedMargin)];

        public void Report(string name, Statistic statistic, double coverage)
        {
            string F(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);
            var width = statistic.Centred.Average(e => e.Upper - e.Lower);
            TestContext.Out.WriteLine($"{name}, p = {Features}, n = {Images}, R = {Replicates}, {Count} simulations: population {F(statistic.Population)}, " +
                                      $"expectation over n images {F(statistic.Values.Average())} (spread {F(statistic.Spread)}); coverage of the expectation: " +
                                      $"centred {coverage:P1}, percentile {statistic.Coverage(statistic.Percentile, statistic.Expectation):P1}; of the population: " +
                                      $"centred {statistic.Coverage(statistic.Centred, _ => statistic.Population):P1}, percentile " +
                                      $"{statistic.Coverage(statistic.Percentile, _ => statistic.Population):P1}; mean width {F(width)} = " +
                                      $"{width / (2 * 1.96 * statistic.Spread):0.00} × 2·1.96·spread; Monte Carlo error " +
                                      $"{Math.Sqrt(coverage * (1 - coverage) / Count) * 100:0.0} points");
        }
    }
}
