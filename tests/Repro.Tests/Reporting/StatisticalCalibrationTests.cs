using System.Text.Json.Nodes;
using Repro.Reporting.Snapshots;
using Repro.Reporting.Snapshots.Calibration;
using Repro.Statistics;

namespace Repro.Tests.Reporting;

/// <summary>
/// The statistical rule for tables compared as seed means, on three crafted runs of two seeds whose sds, quantile and
/// tolerances are worked out by hand in the comments; and the refusal of tolerances that cannot fail.
/// </summary>
[TestFixture]
public class StatisticalCalibrationTests
{
    private string _root = "";

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("repro-statistical-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    [TestCase(0.975, 1.959964)]
    [TestCase(0.99999, 4.264891)]
    [TestCase(0.995, 2.575829)]
    [TestCase(0.9975, 2.807034)]
    [TestCase(0.001, -3.090232)]
    public void Normal_quantiles_are_the_known_ones(double p, double quantile) =>
        Assert.That(StandardNormal.Quantile(p), Is.EqualTo(quantile).Within(1e-6));

    [Test]
    public void The_quantile_splits_the_false_alarm_rate_over_the_checked_cells()
    {
        var rule = new StatisticalRule(0.01, 1e-6);
        Assert.That(rule.Z(1), Is.EqualTo(2.575829).Within(1e-6));    // Φ⁻¹(1 − 0.01/2)
        Assert.That(rule.Z(2), Is.EqualTo(2.807034).Within(1e-6));    // Φ⁻¹(1 − 0.01/4)
        Assert.That(rule.Z(500), Is.EqualTo(4.264891).Within(1e-6));  // Φ⁻¹(1 − 0.01/1000) = Φ⁻¹(0.99999)
    }

    // Group A: run means 0.52, 0.58, 0.55 (sd 0.03); all six values sd √(0.007/5) = 0.0374166, / √2 = 0.0264575. s = 0.03.
    // Group B: run means 0.30 each (sd 0); all six values sd √(0.217/5) = 0.2083267, / √2 = 0.1473092. s = 0.1473092.
    private static readonly string[] Tables =
    [
        "model,seed,map\nA,0,0.50\nA,1,0.54\nB,0,0.10\nB,1,0.50\n",
        "model,seed,map\nA,0,0.56\nA,1,0.60\nB,0,0.12\nB,1,0.48\n",
        "model,seed,map\nA,0,0.52\nA,1,0.58\nB,0,0.11\nB,1,0.49\n",
    ];

    private IReadOnlyList<CalibrationRun> Runs() => Tables.Select((csv, i) =>
    {
        var dir = Path.Combine(_root, $"run{i}");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "map.csv"), csv);
        return new CalibrationRun($"run{i}", "test", dir);
    }).ToList();

    private ToleranceCalibration Measure(string maxTolerance = "") => ToleranceCalibration.Measure(Runs(),
        ToleranceFile.Parse($$"""{ "map": { "keys": ["model", "seed"], "meanOver": ["seed"] {{maxTolerance}} } }""", "tolerances.json"),
        ToleranceRule.Default, new StatisticalRule(0.01, 1e-6), null, "test machine", new DateOnly(2026, 12, 3));

    private static RowSpread Row(ToleranceCalibration c, string model) => c.Tables.Single().RowSpreads.Single(r => r.Row.Values[0] == model);

    [Test]
    public void Each_rows_tolerance_is_z_root2_times_the_larger_sd_rounded_up()
    {
        var c = Measure();
        var table = c.Tables.Single();
        Assert.That(table.Checks, Is.EqualTo(2));                     // 2 rows × 1 column
        Assert.That(table.Z, Is.EqualTo(2.807034).Within(1e-6));

        var a = Row(c, "A");
        Assert.That((a.RunMeansSd, a.ValuesSd, a.Sd), Is.EqualTo((0.03, 0.0264575, 0.03)).Within(1e-6));
        Assert.That(a.Tolerance.Absolute, Is.EqualTo(0.12));          // 2.807034 · √2 · 0.03 = 0.119092 → 0.12
        var b = Row(c, "B");
        Assert.That((b.RunMeansSd, b.ValuesSd, b.Sd), Is.EqualTo((0.0, 0.1473092, 0.1473092)).Within(1e-6));
        Assert.That(b.Tolerance.Absolute, Is.EqualTo(0.59));          // 2.807034 · √2 · 0.1473092 = 0.584777 → 0.59
        Assert.That(b.ValueRange, Is.EqualTo(0.28).Within(1e-9));     // means 0.30 … 0.58
    }

    [Test]
    public void A_blind_tolerance_or_one_above_max_tolerance_is_refused_and_nothing_is_written()
    {
        var c = Measure(""", "maxTolerance": { "map": 0.1 }""");
        Assert.That(c.CannotFail.Select(r => (r.Row.Row.Values[0], r.Row.Problem)),
            Is.EquivalentTo(new[] { ("A", "above maxTolerance"), ("B", "blind and above maxTolerance") }));   // A 0.12 > 0.1; B 0.59 ≥ range 0.28

        var dir = Path.Combine(_root, "ci");
        var e = Assert.Throws<CalibrationRefusedException>(() => CalibrationWriter.Write(dir, c, ToleranceFile.Empty("tolerances.json"), "calibrate"));
        Assert.That(e!.Message, Does.Contain("model=A").And.Contain("model=B"));
        Assert.That(File.Exists(Path.Combine(dir, SnapshotStore.ToleranceFileName)), Is.False);

        CalibrationWriter.Write(dir, c, ToleranceFile.Empty("tolerances.json"), "calibrate", allowCannotFail: true);
        var rows = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, SnapshotStore.ToleranceFileName)))!["map"]!["rows"]!;
        Assert.That(rows["model=B"]!["map"]!["$blind"], Is.Not.Null);
        Assert.That(rows["model=A"]!["map"]!["$blind"], Is.Null);
        Assert.That(rows["model=A"]!["map"]!["$above_max"], Is.Not.Null);
        Assert.That(rows["model=A"]!["map"]!["absolute"]!.GetValue<double>(), Is.EqualTo(0.12));
    }

    [Test]
    public void The_written_tolerances_are_read_back_and_judge_the_runs_row_by_row()
    {
        var c = Measure();
        var dir = Path.Combine(_root, "ci");
        Assert.Throws<CalibrationRefusedException>(() => CalibrationWriter.Write(dir, c, ToleranceFile.Empty("tolerances.json"), "calibrate"));   // B is blind
        CalibrationWriter.Write(dir, c, ToleranceFile.Empty("tolerances.json"), "calibrate", allowCannotFail: true);
        var written = ToleranceFile.LoadOrEmpty(Path.Combine(dir, SnapshotStore.ToleranceFileName)).For("map");
        Assert.That(written.MeanOver, Is.EqualTo(new[] { "seed" }));
        Assert.That(written.For(new Dictionary<string, string> { ["model"] = "A" }, "map").Absolute, Is.EqualTo(0.12));
        Assert.That(written.For(new Dictionary<string, string> { ["model"] = "B" }, "map").Absolute, Is.EqualTo(0.59));
    }

    [Test]
    public void A_run_that_lacks_a_seed_is_an_error_naming_the_group()
    {
        var runs = Runs();
        File.WriteAllText(Path.Combine(runs[1].TablesDir, "map.csv"), "model,seed,map\nA,0,0.56\nB,0,0.22\nB,1,0.38\n");
        var e = Assert.Throws<InvalidDataException>(() => ToleranceCalibration.Measure(runs,
            ToleranceFile.Parse("""{ "map": { "keys": ["model", "seed"], "meanOver": ["seed"] } }""", "tolerances.json"),
            ToleranceRule.Default, StatisticalRule.Default, null, "test machine", new DateOnly(2026, 12, 3)));
        Assert.That(e!.Message, Does.Contain("model=A").And.Contain("run1"));
    }
}
