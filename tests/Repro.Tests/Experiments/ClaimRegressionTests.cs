using Repro.Experiments.Claims;
using Repro.Reporting.Snapshots;
using Repro.Statistics;

namespace Repro.Tests.Experiments;

/// <summary>The rule the claim tests apply between a recorded verdict and today's: decisive flips and values out of
/// tolerance fail, moves to or from "inconclusive" within the tolerance do not.</summary>
public class ClaimRegressionTests
{
    private static readonly TableTolerances Tolerance = new(["id"], new Dictionary<string, Tolerance>
    {
        ["value"] = new(Absolute: 0.02), ["lower"] = new(Absolute: 0.02), ["upper"] = new(Absolute: 0.02),
    }, Repro.Reporting.Snapshots.Tolerance.Exact);

    private static Verdict Now(Decision decision, double value) =>
        new("C01", decision, new Estimate(value, value - 0.01, value + 0.01), ControlOutcome.DoesNotHold, "min", "≥ 0.900", "3 seeds only");

    [TestCase(Decision.Holds, Decision.DoesNotHold)]
    [TestCase(Decision.DoesNotHold, Decision.Holds)]
    public void ADecisiveFlipFailsEvenWithinTheTolerance(Decision recorded, Decision now)
    {
        var problem = ClaimRegression.Check(new RecordedClaim("C01", recorded, 0.001), Now(now, 0.0), Tolerance);
        Assert.That(problem, Does.Contain("flipped"));
    }

    [TestCase(Decision.Holds, Decision.Inconclusive)]
    [TestCase(Decision.Inconclusive, Decision.Holds)]
    [TestCase(Decision.DoesNotHold, Decision.Inconclusive)]
    [TestCase(Decision.Inconclusive, Decision.DoesNotHold)]
    [TestCase(Decision.Holds, Decision.Holds)]
    public void AMoveToOrFromInconclusiveWithinTheTolerancePasses(Decision recorded, Decision now) =>
        Assert.That(ClaimRegression.Check(new RecordedClaim("C01", recorded, 0.010), Now(now, 0.025), Tolerance), Is.Null);

    [Test]
    public void AValueOutsideItsToleranceFailsWithTheSameVerdict()
    {
        var problem = ClaimRegression.Check(new RecordedClaim("C01", Decision.Holds, 0.010), Now(Decision.Holds, 0.040), Tolerance);
        Assert.That(problem, Does.Contain("outside the tolerance"));
    }

    [TestCase(Decision.Inconclusive)]
    [TestCase(Decision.DoesNotHold)]
    public void AnIntervalEndOutsideItsToleranceFailsWhateverTheVerdict(Decision verdict)
    {
        var problem = ClaimRegression.Check(new RecordedClaim("C01", verdict, 0.010, 0.0, 0.020), Now(verdict, 0.010) with { Margin = new Estimate(0.010, -0.05, 0.020) }, Tolerance);
        Assert.That(problem, Does.Contain("lower end"));
    }

    [Test]
    public void AnUnmeasurableValueFailsAgainstARecordedOne() =>
        Assert.That(ClaimRegression.Check(new RecordedClaim("C01", Decision.Holds, 0.010), Now(Decision.Inconclusive, double.NaN), Tolerance), Is.Not.Null);

    [Test]
    public void ARecordWithoutValuesConstrainsTheVerdictOnly() =>
        Assert.That(ClaimRegression.Check(new RecordedClaim("C01", Decision.Holds, double.NaN), Now(Decision.Holds, 0.5), Tolerance), Is.Null);

    [Test]
    public void RecordedClaimsAreReadFromTheClaimsTableOldAndNew()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"claims-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var current = Path.Combine(dir, "new.csv");
            File.WriteAllText(current, "id,verdict,value,lower,upper,control\nC01,inconclusive,0.012,-0.003,0.03,does not hold\nC05,holds,1e-09,1e-09,1e-09,by construction\n");
            var old = Path.Combine(dir, "old.csv");
            File.WriteAllText(old, "id,verdict\nC01,does not hold\n");
            var read = RecordedClaim.ReadAll(current);
            Assert.That(read["C01"], Is.EqualTo(new RecordedClaim("C01", Decision.Inconclusive, 0.012, -0.003, 0.03)));
            Assert.That(read["C05"].Decision, Is.EqualTo(Decision.Holds));
            var before = RecordedClaim.ReadAll(old)["C01"];
            Assert.That(before.Decision, Is.EqualTo(Decision.DoesNotHold));
            Assert.That(double.IsNaN(before.Value), Is.True);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void EachClaimIsJudgedByItsOwnStatisticalTolerance()
    {
        var file = ToleranceFile.Parse("""
            { "claims": { "keys": ["id"], "statistical": true, "columns": { "value": { "absolute": 0.01 } },
                          "rows": { "id=C01": { "value": { "absolute": 0.05 } } } } }
            """, "test").For("claims");
        Assert.That(file.IsStatistical, Is.True);
        Assert.That(ClaimRegression.Check(new RecordedClaim("C01", Decision.Holds, 0.10), Now(Decision.Holds, 0.14), file), Is.Null, "C01's own 0.05");
        Assert.That(ClaimRegression.Check(new RecordedClaim("C02", Decision.Holds, 0.10), Now(Decision.Holds, 0.14) with { Id = "C02" }, file), Does.Contain("outside"), "C02 has the column's 0.01");
    }

    [Test]
    public void TheClaimsToleranceIsReadFromTheValueColumn()
    {
        var file = ToleranceFile.Parse("""{ "claims": { "keys": ["id"], "columns": { "value": { "absolute": 0.03 } } } }""", "test");
        Assert.That(file.For("claims").For("value"), Is.EqualTo(new Tolerance(0.03)));
    }
}
