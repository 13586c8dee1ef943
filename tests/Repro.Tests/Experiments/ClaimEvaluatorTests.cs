using Repro.Experiments.Claims;
using Repro.Similarity;
using static Repro.Experiments.Claims.StudyModels;

namespace Repro.Tests.Experiments;

/// <summary>Every claim of paper-claims.json holds on paper-shaped results and fails when its property is broken.</summary>
public class ClaimEvaluatorTests
{
    private static readonly IReadOnlyList<ClaimSpec> Claims = ClaimSpec.Load(RepoPaths.Of("expected-results", "paper-claims.json"));

    private static IEnumerable<string> ClaimIdsButC11() => ClaimIds().Where(id => id != "C11");

    private static IEnumerable<string> ClaimIds() => ClaimSpec.Load(RepoPaths.Of("expected-results", "paper-claims.json")).Select(c => c.Id);

    private static Verdict Judge(string id, CraftedStudy study) =>
        new ClaimEvaluator(study.ToResults(), size: 32).Evaluate(Claims.Single(c => c.Id == id));

    [Test]
    public void TheClaimsFileHoldsC01ToC18ButC09()
    {
        // C09 (head below the mean over all layers) was C08 counted twice: mean(all) − mean(head) = (75/107)·(mean(backbone) − mean(head)).
        Assert.That(Claims.Select(c => c.Id), Is.EqualTo(Enumerable.Range(1, 18).Where(i => i != 9).Select(i => $"C{i:00}")));
        Assert.That(Claims.Select(c => c.Text), Is.All.Not.Empty);
    }

    /// <summary>C11 is left out: with three seeds its own spread keeps it from holding (a test of its own below).</summary>
    [TestCaseSource(nameof(ClaimIdsButC11))]
    public void HoldsOnPaperShapedResults(string id)
    {
        var verdict = Judge(id, new CraftedStudy());
        TestContext.Out.WriteLine($"{id}: {verdict.Measured} (expected {verdict.Expected})");
        Assert.That(verdict.Holds, Is.True, verdict.Measured);
    }

    [Test]
    public void TheBlockClaimIsResampledOverTheImagesOfItsMaps()
    {
        // The crafted maps are the same for every seed, so training adds nothing; each replicate of a map is its tile
        // means plus noise. Without replicates C15's interval is a point; with them it has the images' width.
        var study = new CraftedStudy();
        var claim = Claims.Single(c => c.Id == "C15");
        MapTileReplicates Noisy(double spread)
        {
            var random = new Random(5);
            double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            return new(study.Matrices.ToDictionary(m => new ComparisonKey(m.ModelA, m.SeedA, m.ModelB, m.SeedB, m.Size),
                m => Enumerable.Range(0, 200).Select(_ => LayerSegments.YoloV3Blocks.TileMeans(m.Cka).Select(v => v + spread * Normal()).ToArray()).ToArray()));
        }
        Verdict With(MapTileReplicates tiles) => new ClaimEvaluator(study.ToResults(), size: 32) { MapTiles = tiles }.Evaluate(claim);

        var point = With(MapTileReplicates.None);
        Assert.That(point.Margin.Upper - point.Margin.Lower, Is.Zero, point.Uncertainty);
        var quiet = With(Noisy(0.01));
        Assert.That(quiet.Holds, Is.True, quiet.Uncertainty);
        Assert.That(quiet.Margin.Value, Is.EqualTo(point.Margin.Value).Within(1e-12), "the value is the maps', not the replicates'");
        Assert.That(quiet.Margin.Upper - quiet.Margin.Lower, Is.InRange(0.005, 0.1));
        Assert.That(quiet.Uncertainty, Does.Contain("200 resamples of the maps"));
        var loud = With(Noisy(1.0));
        Assert.That(loud.Decision, Is.Not.EqualTo(Decision.Holds), $"{loud.Margin.Lower} … {loud.Margin.Upper}");
    }

    [Test]
    public void TheStatisticsClaimIsResampledOverTheImagesOfItsActivations()
    {
        // Each replicate's statistics are the run's, each one scaled by 1 + spread·N(0, 1); no replicates: a point.
        var study = new CraftedStudy();
        var claim = Claims.Single(c => c.Id == "C17");
        ActivationReplicates Noisy(double spread)
        {
            var random = new Random(6);
            double Scale() => 1 + spread * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            return new(study.Activations.ToDictionary(a => (a.Model, a.Seed, a.Size), a => Enumerable.Range(0, 200).Select(_ => a.Summary with
            {
                Mean = a.Summary.Mean * Scale(), Std = a.Summary.Std * Scale(), Min = a.Summary.Min * Scale(), Max = a.Summary.Max * Scale(),
                Median = a.Summary.Median * Scale(), FractionZeros = a.Summary.FractionZeros * Scale(), FractionNegatives = a.Summary.FractionNegatives * Scale(),
            }).ToArray()));
        }
        Verdict With(ActivationReplicates replicates) => new ClaimEvaluator(study.ToResults(), size: 32) { ActivationReplicates = replicates }.Evaluate(claim);

        var point = With(ActivationReplicates.None);
        Assert.That(point.Margin.Upper - point.Margin.Lower, Is.Zero, point.Uncertainty);
        var quiet = With(Noisy(0.002));
        Assert.That(quiet.Holds, Is.True, quiet.Uncertainty);
        Assert.That(quiet.Margin.Value, Is.EqualTo(point.Margin.Value).Within(1e-12));
        Assert.That(quiet.Margin.Upper - quiet.Margin.Lower, Is.GreaterThan(0.001));
        Assert.That(quiet.Uncertainty, Does.Contain("200 resamples of the activations"));
        var loud = With(Noisy(0.5));
        Assert.That(loud.Margin.Upper - loud.Margin.Lower, Is.GreaterThan(50 * (quiet.Margin.Upper - quiet.Margin.Lower)), $"{loud.Margin.Lower} … {loud.Margin.Upper}");
    }

    private static readonly Dictionary<string, Action<CraftedStudy>> Breakers = new()
    {
        ["C01"] = s => s.Curves[(UReal, 0, USynthetic, 0, 32)][5] = 0.85,
        ["C02"] = s => s.Curves[(UReal, 1, FSynthetic, 1, 32)][30] = 0.65,
        ["C03"] = s => s.Curves[(UReal, 0, USynthetic, 0, 32)][70] = 0.4,
        ["C04"] = s => s.Curves[(UReal, 0, USynthetic, 0, 32)][106] = 0.3,
        ["C05"] = s => s.Curves[(UReal, 0, USynthetic, 0, 32)][82] = 0.11,
        ["C06"] = s => s.EditSameSeedCurves((_, _, c) => c.Select((v, l) => l <= 73 && l % 4 == 2 && !LayerKinds.YoloV3.Shortcut.Contains(l) ? v + 0.05 : v).ToArray()),
        ["C07"] = s => s.Curves[(UReal, 1, FSynthetic, 1, 32)][86] = 0.3,
        ["C08"] = s => s.EditSameSeedCurves((_, _, c) => c.Select((v, l) => l >= 75 ? 0.99 : v).ToArray()),
        ["C10"] = s => s.EditSameSeedCurves((p, _, c) => p.A == USynthetic ? c.Select(v => v - 0.3).ToArray() : c),
        ["C11"] = s => s.EditSameSeedCurves((p, _, c) => p.B == FSynthetic && p.A == UReal ? c.Select(v => v - 0.1).ToArray() : c),
        ["C12"] = s => s.EditSameSeedCurves((_, _, c) => c.Select((v, l) => l is >= 62 and <= 85 ? 0.95 : v).ToArray()),
        ["C13"] = s => SetMap(s, UReal, "real", 0.05),
        ["C14"] = s => SetMap(s, FSynthetic, "synthetic", 0.7),
        ["C15"] = s =>
        {
            for (var i = 0; i < s.Matrices.Count; i++)
                s.Matrices[i] = s.Matrices[i] with { Cka = new double[107, 107] };
        },
        ["C16"] = s => s.EditSameSeedCurves((_, _, c) => c.Reverse().ToArray(), size: 64),
        ["C17"] = s => s.Activations[2] = s.Activations[0] with { Model = FSynthetic },
        ["C18"] = s =>
        {
            foreach (var key in s.Curves.Keys.Where(k => k.SA != k.SB).ToList())
                s.Curves[key] = s.Curves[key].Select(v => Math.Min(1, v + 0.2)).ToArray();
        },
    };

    private static void SetMap(CraftedStudy s, string model, string testSet, double map)
    {
        for (var i = 0; i < s.Maps.Count; i++)
            if (s.Maps[i].Model == model && s.Maps[i].TestSet == testSet) s.Maps[i] = s.Maps[i] with { Map = map };
    }

    [TestCaseSource(nameof(ClaimIds))]
    public void FailsWhenItsPropertyIsBroken(string id)
    {
        var study = new CraftedStudy();
        Breakers[id](study);
        var verdict = Judge(id, study);
        TestContext.Out.WriteLine($"{id}: {verdict.Measured} (expected {verdict.Expected})");
        Assert.That(verdict.Decision, Is.Not.EqualTo(Decision.Holds), verdict.Measured);
    }

    // ---- intervals and seeds -------------------------------------------------------------------------------

    /// <summary>U-Real vs each synthetic model at layer 5 set to <paramref name="cka"/> in the given seeds (C01's threshold: 0.9).</summary>
    private static CraftedStudy WithLayer5(double cka, params int[] seeds)
    {
        var study = new CraftedStudy();
        study.EditSameSeedCurves((p, seed, c) => p.A == UReal && seeds.Contains(seed) ? c.Select((v, l) => l == 5 ? cka : v).ToArray() : c);
        return study;
    }

    [Test]
    public void AMarginWhoseIntervalStraddlesTheThresholdIsInconclusive()
    {
        var pointOnly = Judge("C01", WithLayer5(0.905, CraftedStudy.Seeds));
        Assert.That(pointOnly.Decision, Is.EqualTo(Decision.Holds), "no replicates: the interval is the seeds' margins, all +0.005");
        Assert.That(pointOnly.Margin.Value, Is.EqualTo(0.005).Within(1e-12));

        var noisy = Judge("C01", WithLayer5(0.905, CraftedStudy.Seeds).AddReplicates(spread: 0.02));
        TestContext.Out.WriteLine($"margin {noisy.Margin}, {noisy.Uncertainty}");
        Assert.That(noisy.Decision, Is.EqualTo(Decision.Inconclusive));
        Assert.That(noisy.Margin.Lower, Is.LessThan(0));
        Assert.That(noisy.Margin.Upper, Is.GreaterThan(0));
        Assert.That(noisy.Uncertainty, Does.Contain("200 resamples").And.Contain("seeds 0, 1, 2"));
    }

    [Test]
    public void AMarginWhoseIntervalClearsTheThresholdIsDecisive()
    {
        var holds = Judge("C01", WithLayer5(0.905, CraftedStudy.Seeds).AddReplicates(spread: 0.0005));
        Assert.That(holds.Decision, Is.EqualTo(Decision.Holds));
        Assert.That(holds.Margin.Lower, Is.GreaterThan(0));
        Assert.That(holds.Margin.Value, Is.InRange(holds.Margin.Lower, holds.Margin.Upper));

        var fails = Judge("C01", WithLayer5(0.89, CraftedStudy.Seeds).AddReplicates(spread: 0.0005));
        Assert.That(fails.Decision, Is.EqualTo(Decision.DoesNotHold));
        Assert.That(fails.Margin.Upper, Is.LessThan(0));
    }

    [Test]
    public void TheWorstSeedIsTheValueAndTheSeedsSpreadIsTheTrainingPartOfTheInterval()
    {
        // Seed 0 fails by 0.05, seeds 1 and 2 clear by 0.055 and 0.05: with three seeds that spread could put a
        // rerun's worst seed on either side, so the claim is not decided; no images resampled, so the interval is the
        // training part alone, t(2) · √2 · c(3) · s.
        var verdict = Judge("C01", WithLayer5(0.85, 0));
        var spread = ClaimStatistic.TrainingHalfWidth([-0.05, 0.05532, 0.05032]); // the curves at 32 px sit 32e-5 higher
        Assert.That(verdict.Margin.Value, Is.EqualTo(-0.05).Within(1e-12), "the worst seed");
        Assert.That(verdict.Margin.Lower, Is.EqualTo(-0.05 - spread).Within(1e-12));
        Assert.That(verdict.Margin.Upper, Is.EqualTo(-0.05 + spread).Within(1e-12));
        Assert.That(verdict.Decision, Is.EqualTo(Decision.Inconclusive));
        Assert.That(verdict.Measured, Does.Contain("seed 0").And.Contain("seed 1 +"), "the other seeds' margins are shown");
        Assert.That(verdict.Uncertainty, Does.Contain("training (±"));

        var everySeed = Judge("C01", WithLayer5(0.85, CraftedStudy.Seeds));
        Assert.That(everySeed.Decision, Is.EqualTo(Decision.DoesNotHold), "every seed fails alike: no spread to doubt it");
    }

    [Test]
    public void TheClaimThatSpansTheSeedsTakesItsTrainingSpreadFromTheJackknife()
    {
        // C11 is one statistic over all seeds (gap against seed-to-seed variation); leaving each seed out in turn
        // moves it by as much as the variation itself with three seeds, so "no difference" cannot be shown there.
        var verdict = Judge("C11", new CraftedStudy());
        Assert.That(verdict.Uncertainty, Does.Contain("jackknife over 3 seeds"));
        Assert.That(verdict.Decision, Is.Not.EqualTo(Decision.Holds));
        Assert.That(verdict.Margin.Upper - verdict.Margin.Value, Is.GreaterThan(0.005));
    }

    [Test]
    public void ASeedTheImagesCannotSettleMakesTheClaimInconclusive()
    {
        // Seed 0 sits on the threshold with image noise, the other seeds clear it: neither verdict is supported.
        var study = WithLayer5(0.9, 0).AddReplicates(spread: 0.02);
        var verdict = Judge("C01", study);
        TestContext.Out.WriteLine($"margin {verdict.Margin}, {verdict.Measured}");
        Assert.That(verdict.Decision, Is.EqualTo(Decision.Inconclusive));
        Assert.That(verdict.Margin.Lower, Is.LessThan(0));
        Assert.That(verdict.Margin.Upper, Is.GreaterThan(0));
        Assert.That(verdict.Margin.Value, Is.InRange(verdict.Margin.Lower, verdict.Margin.Upper));
    }

    [Test]
    public void TheIntervalIsTheWorstSeedsMarginRecomputedOnEveryReplicate()
    {
        // C01 per replicate, by hand: the lowest CKA in layers 0–12 over both synthetic models and every seed, less 0.9.
        var study = WithLayer5(0.92, CraftedStudy.Seeds).AddReplicates(spread: 0.02);
        var replicates = Enumerable.Range(0, 200).Select(r =>
            (from seed in CraftedStudy.Seeds
             from other in new[] { USynthetic, FSynthetic }
             from layer in Enumerable.Range(0, 13)
             select study.Replicates[new ComparisonKey(UReal, seed, other, seed, 32)][r][layer]).Min() - 0.9).ToList();
        var expected = Repro.Statistics.BootstrapInterval.Of(0.02, replicates, null, 0.95, Repro.Statistics.IntervalMethod.Centered);
        var verdict = Judge("C01", study);
        Assert.That(verdict.Margin.Value, Is.EqualTo(0.02).Within(1e-12));
        Assert.That(verdict.Margin.Lower, Is.EqualTo(expected.Lower).Within(1e-12));
        Assert.That(verdict.Margin.Upper, Is.EqualTo(expected.Upper).Within(1e-12));
        Assert.That(verdict.Margin.Value, Is.InRange(verdict.Margin.Lower, verdict.Margin.Upper));
    }

    [Test]
    public void AnIntervalASkewedBootstrapPullsPastTheValueIsWidenedToReachIt()
    {
        // Every seed just below the threshold; 10 of 500 replicates far below it. The centred interval is moved by the
        // replicates' mean and would sit wholly above 0 (+0.005), reading "holds" for a margin of −0.005.
        var study = WithLayer5(0.895, CraftedStudy.Seeds);
        foreach (var (key, curve) in study.Curves)
            study.Replicates[new ComparisonKey(key.A, key.SA, key.B, key.SB, key.Size)] =
                Enumerable.Range(0, 500).Select(r => curve.Select(v => r < 10 ? v - 0.5 : v).ToArray()).ToArray();
        var verdict = Judge("C01", study);
        Assert.That(verdict.Margin.Value, Is.EqualTo(-0.005).Within(1e-12));
        Assert.That(verdict.Margin.Lower, Is.EqualTo(-0.005).Within(1e-12), "the interval reaches its value");
        Assert.That(verdict.Margin.Upper, Is.EqualTo(0.005).Within(1e-12), "the centred bound stays");
        Assert.That(verdict.Decision, Is.EqualTo(Decision.Inconclusive));
    }

    [Test]
    public void AComparisonWithoutReplicatesBesideOnesWithThemIsAnErrorNamingIt()
    {
        // The analysis keeps every comparison's replicates; one missing is a broken run, not a reason to judge on
        // another interval while the report says how many resamples there were.
        var study = WithLayer5(0.92, CraftedStudy.Seeds).AddReplicates(spread: 0.02);
        study.Replicates.Remove(new ComparisonKey(UReal, 1, FSynthetic, 1, 32));
        var e = Assert.Throws<KeyNotFoundException>(() => Judge("C01", study));
        Assert.That(e!.Message, Does.Contain("U-Real (seed 1) vs F-Synthetic (seed 1) at 32×32"));
    }

    [Test]
    public void CrossSeedClaimsUseEveryPairOfSeeds()
    {
        var verdict = Judge("C18", new CraftedStudy());
        Assert.That(verdict.Measured, Does.Contain("seeds 0/1").And.Contain("seeds 0/2").And.Contain("seeds 1/2"));
        var study = new CraftedStudy();
        // Seeds 1 and 2 alike across seeds as within: only the pairs with seed 0 still show the drop, so the pair 1/2
        // fails, and with it the claim, which is made for every pair (not decided either way: the other pairs hold).
        foreach (var (a, b) in CraftedStudy.Comparisons)
            study.Curves[(a, 1, b, 2, 32)] = study.Curves[(a, 2, b, 1, 32)] = study.Curves[(a, 1, b, 1, 32)].Select(v => v + 0.1).ToArray();
        var broken = Judge("C18", study);
        Assert.That(broken.Decision, Is.Not.EqualTo(Decision.Holds));
        Assert.That(broken.Margin.Value, Is.LessThan(0));
        Assert.That(broken.Measured, Does.Contain("(seeds 1/2)"), "the pair that fails is the one reported");
    }

    // ---- the control ---------------------------------------------------------------------------------------

    [Test]
    public void AClaimThatAlsoHoldsUntrainedIsLabelledUninformative()
    {
        // The untrained curve falls with depth, so its backbone mean exceeds its head mean too.
        var verdict = Judge("C08", new CraftedStudy());
        Assert.That(verdict.Decision, Is.EqualTo(Decision.Holds));
        Assert.That(verdict.Control, Is.EqualTo(ControlOutcome.Holds));
        Assert.That(verdict.Status, Is.EqualTo("holds (uninformative: also holds untrained)"));
        Assert.That(verdict.IsEvidence, Is.False);
    }

    [Test]
    public void AClaimThatFailsUntrainedIsEvidence()
    {
        var verdict = Judge("C01", new CraftedStudy());
        Assert.That(verdict.Control, Is.EqualTo(ControlOutcome.DoesNotHold));
        Assert.That(verdict.Status, Is.EqualTo("holds"));
        Assert.That(verdict.IsEvidence, Is.True);
    }

    [Test]
    public void EqualCkaOfAYoloLayerAndItsInputHoldsByConstruction()
    {
        var verdict = Judge("C05", new CraftedStudy());
        Assert.That(verdict.Control, Is.EqualTo(ControlOutcome.ByConstruction));
        Assert.That(verdict.Status, Is.EqualTo("holds by construction"));
        Assert.That(verdict.IsEvidence, Is.False);
    }

    [Test]
    public void MapControlsTakeTheUntrainedDetectorsMapAsZero()
    {
        Assert.That(Judge("C13", new CraftedStudy()).Control, Is.EqualTo(ControlOutcome.NotApplicable), "an ordering of trained models has no control");
        Assert.That(Judge("C14", new CraftedStudy()).Control, Is.EqualTo(ControlOutcome.DoesNotHold), "0.12 and 0.89 are far from 0");
        var barelyTrained = new CraftedStudy();
        for (var i = 0; i < barelyTrained.Maps.Count; i++) barelyTrained.Maps[i] = barelyTrained.Maps[i] with { Map = 0.01 };
        Assert.That(Judge("C14", barelyTrained).Status, Is.EqualTo("holds (uninformative: also holds untrained)"));
    }

    [Test]
    public void MissingResultsAreNamed()
    {
        var study = new CraftedStudy();
        study.Curves.Remove((UReal, 0, USynthetic, 0, 32));
        var e = Assert.Throws<KeyNotFoundException>(() => Judge("C01", study))!;
        Assert.That(e.Message, Does.Contain("U-Real (seed 0) vs U-Synthetic (seed 0)"));
    }
}
