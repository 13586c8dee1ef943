using Repro.Reporting.Snapshots;
using Repro.Reporting.Snapshots.Calibration;
using Repro.Reporting.Tables;

namespace Repro.Tests.Reporting;

/// <summary>
/// perRow: a deterministic table whose rows differ in how far rounding moves them (CKA against an untrained network
/// in the head, against the rest at 1e-7) gets the floor as its columns' tolerance and an entry of its own for each
/// row that needs more, so the ill-conditioned rows do not blind the check on all the others.
/// </summary>
[TestFixture]
public class PerRowCalibrationTests
{
    private string _root = "";

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("repro-per-row-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    private static readonly ToleranceRule Rule = new(Multiple: 3, Floor: 1e-5);

    private static readonly ToleranceFile Declared = ToleranceFile.Parse("""{ "cka": { "keys": ["pair", "layer"], "perRow": true } }""", "tolerances.json");

    private CalibrationRun Run(string name, double trained, double control)
    {
        var dir = Path.Combine(_root, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "cka.csv"), $"pair,layer,cka\ntrained,81,{trained:R}\ncontrol,81,{control:R}\n");
        return new CalibrationRun(name, name, dir);
    }

    private ToleranceCalibration Measure() => ToleranceCalibration.Measure(
        [Run("baseline", 0.5, 0.20), Run("avx2", 0.5000001, 0.25), Run("threads", 0.4999999, 0.21)], Declared, Rule, "test machine", new DateOnly(2026, 12, 6));

    [Test]
    public void The_column_keeps_the_floor_and_only_the_row_that_needs_more_gets_its_own_tolerance()
    {
        var cka = Measure().Tables.Single().Columns.Single();
        Assert.That(cka.Tolerance.Absolute, Is.EqualTo(1e-5));
        Assert.That(cka.Rows, Has.Count.EqualTo(1));
        Assert.That(cka.Rows[0].Row.ToString(), Does.Contain("control"));
        Assert.That(cka.Rows[0].Tolerance.Absolute, Is.EqualTo(0.15), "3 × (0.25 − 0.20), rounded up to two digits");
    }

    [Test]
    public void The_written_file_reads_back_into_a_check_that_holds_the_trained_row_to_the_floor()
    {
        var json = CalibrationWriter.ToleranceJson(Measure(), Declared, [], "test").ToJsonString();
        var tolerances = ToleranceFile.Parse(json, "written").For("cka");
        Assert.That(tolerances.PerRow, Is.True);
        var expected = CsvTable.Parse("pair,layer,cka\ntrained,81,0.5\ncontrol,81,0.20\n", "expected");
        CsvText Obtained(double trained, double control) => CsvTable.Parse($"pair,layer,cka\ntrained,81,{trained:R}\ncontrol,81,{control:R}\n", "obtained");
        Assert.That(TableComparer.Compare(Obtained(0.500009, 0.34), expected, tolerances).IsMatch, Is.True, "each row within its own tolerance");
        Assert.That(TableComparer.Compare(Obtained(0.50002, 0.20), expected, tolerances).IsMatch, Is.False, "the trained row moved by 2e-5, twice the floor");
        Assert.That(TableComparer.Compare(Obtained(0.5, 0.36), expected, tolerances).IsMatch, Is.False, "the control row beyond its 0.15");
    }

    [Test]
    public void PerRow_and_meanOver_exclude_each_other() =>
        Assert.That(() => ToleranceFile.Parse("""{ "t": { "keys": ["seed", "x"], "meanOver": ["seed"], "perRow": true } }""", "tolerances.json"),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("perRow"));
}
