using Repro.Reporting.Snapshots.Calibration;

namespace Repro.Tests.Reporting;

public class RerunCoverageTests
{
    private readonly List<string> folders = [];

    [TearDown]
    public void RemoveFolders()
    {
        foreach (var f in folders) Directory.Delete(f, recursive: true);
        folders.Clear();
    }

    private CalibrationRun Run(string name, params string[] rows)
    {
        var dir = Directory.CreateTempSubdirectory("coverage-").FullName;
        folders.Add(dir);
        File.WriteAllLines(Path.Combine(dir, "claims.csv"), ["id,verdict,value,lower,upper,control", .. rows]);
        return new CalibrationRun(name, "test", dir);
    }

    [Test]
    public void EveryRunsIntervalIsCheckedAgainstEveryOtherRunsValue()
    {
        // C01: intervals [0, 0.2], [0.1, 0.3], [0.25, 0.35] around 0.1, 0.2, 0.3. Run a's interval holds b's value
        // (0.2), not c's (0.3); b's holds a's and c's; c's holds b's? no (0.2 < 0.25), a's? no: 3 of 6.
        // C05 is 0 with a point interval in every run: left out. C02 differs only in its interval: kept, 6 of 6.
        var coverage = RerunCoverage.Measure([
            Run("a", "C01,holds,0.1,0,0.2,n/a", "C02,holds,0.5,0.4,0.6,n/a", "C05,holds,0,0,0,n/a"),
            Run("b", "C01,holds,0.2,0.1,0.3,n/a", "C02,holds,0.5,0.3,0.7,n/a", "C05,holds,0,0,0,n/a"),
            Run("c", "C01,holds,0.3,0.25,0.35,n/a", "C02,holds,0.5,0.45,0.55,n/a", "C05,holds,0,0,0,n/a"),
        ])!;
        Assert.That(coverage.PerClaim, Is.EqualTo(new[] { ("C01", 3, 6), ("C02", 6, 6) }));
        Assert.That(coverage.Share, Is.EqualTo(9 / 12.0));
    }

    [Test]
    public void OneRunMeasuresNothing() => Assert.That(RerunCoverage.Measure([Run("a", "C01,holds,0.1,0,0.2,n/a")]), Is.Null);

    [Test]
    public void ClaimsTablesWithoutIntervalsMeasureNothing()
    {
        var dirs = new[] { "id,verdict,value\nC01,holds,0.1\n", "id,verdict,value\nC01,holds,0.2\n" }.Select(text =>
        {
            var dir = Directory.CreateTempSubdirectory("coverage-").FullName;
            folders.Add(dir);
            File.WriteAllText(Path.Combine(dir, "claims.csv"), text);
            return new CalibrationRun(Path.GetFileName(dir), "test", dir);
        }).ToList();
        Assert.That(RerunCoverage.Measure(dirs), Is.Null);
    }

    [Test]
    public void AValueThatIsNotANumberIsNamedWithItsFileAndRow()
    {
        var e = Assert.Throws<InvalidDataException>(() => RerunCoverage.Measure([Run("a", "C01,holds,x,0,0.2,n/a"), Run("b", "C01,holds,0.1,0,0.2,n/a")]));
        Assert.That(e!.Message, Does.Contain("claims.csv").And.Contain("row 1").And.Contain("'x'"));
    }
}
