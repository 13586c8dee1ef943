using Repro.Experiments.Claims;
using static Repro.Experiments.Claims.StudyModels;

namespace Repro.Tests.Experiments;

/// <summary>Every claim of paper-claims.json holds on paper-shaped results and fails when its property is broken.</summary>
public class ClaimEvaluatorTests
{
    private static readonly IReadOnlyList<ClaimSpec> Claims = ClaimSpec.Load(RepoPaths.Of("expected-results", "paper-claims.json"));

    private static IEnumerable<string> ClaimIds() => ClaimSpec.Load(RepoPaths.Of("expected-results", "paper-claims.json")).Select(c => c.Id);

    private static Verdict Judge(string id, CraftedStudy study) =>
        new ClaimEvaluator(study.ToResults(), size: 32).Evaluate(Claims.Single(c => c.Id == id));

    [Test]
    public void TheClaimsFileHoldsC01ToC18()
    {
        Assert.That(Claims.Select(c => c.Id), Is.EqualTo(Enumerable.Range(1, 18).Select(i => $"C{i:00}")));
        Assert.That(Claims.Select(c => c.Text), Is.All.Not.Empty);
    }

    [TestCaseSource(nameof(ClaimIds))]
    public void HoldsOnPaperShapedResults(string id)
    {
        var verdict = Judge(id, new CraftedStudy());
        TestContext.Out.WriteLine($"{id}: {verdict.Measured} (expected {verdict.Expected})");
        Assert.That(verdict.Holds, Is.True, verdict.Measured);
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
        ["C09"] = s => s.EditSameSeedCurves((_, _, c) => c.Select((v, l) => l >= 75 ? 0.99 : v).ToArray()),
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
        Assert.That(verdict.Holds, Is.False, verdict.Measured);
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
