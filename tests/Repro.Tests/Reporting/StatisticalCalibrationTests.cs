using System.Text.Json.Nodes;
using Repro.Reporting.Snapshots;
using Repro.Reporting.Snapshots.Calibration;
using Repro.Reporting.Tables;
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
    public void The_quantile_splits_the_false_alarm_rate_over_the_checked_cells_and_widens_with_few_degrees_of_freedom()
    {
        var rule = new StatisticalRule(0.01, 1e-6);
        Assert.That(rule.Quantile(1, 1e9), Is.EqualTo(2.575829).Within(1e-6));    // Φ⁻¹(1 − 0.01/2)
        Assert.That(rule.Quantile(500, 1e9), Is.EqualTo(4.264891).Within(1e-6));  // Φ⁻¹(1 − 0.01/1000) = Φ⁻¹(0.99999)
        Assert.That(rule.Quantile(1, 4), Is.EqualTo(4.604095).Within(1e-5));      // t₄, two-sided 99 %
        Assert.That(rule.Quantile(6, 4.19), Is.EqualTo(7.5286714).Within(1e-6));  // t₄ at 1 − 0.01/6: 4.19 rounds down
    }

    // Three runs, two seeds a row. Run means: A 0.52 0.58 0.55, B 0.30 each (its seeds differ: not exact), C 0.71 0.72
    // 0.72, D 0.25 0.29 0.24, E 0.42 0.44 0.36; F gave 0.9 and 0.8 in every run (exact). The prior comes from the sample
    // variances of A, C, D and E on 2 degrees of freedom: d₀ = 2.18932, s₀ = 0.0214859; each row's moderated sd
    // (2.18932·s₀² + 2s²)/4.18932, t on ⌊4.189⌋ = 4 degrees of freedom at 1 − 0.01/6 = 7.52867. Worked in float64 by
    // an independent implementation of the same formulas.
    private static readonly string[] Tables =
    [
        "model,seed,map\nA,0,0.50\nA,1,0.54\nB,0,0.10\nB,1,0.50\nC,0,0.70\nC,1,0.72\nD,0,0.20\nD,1,0.30\nE,0,0.40\nE,1,0.44\nF,0,0.9\nF,1,0.8\n",
        "model,seed,map\nA,0,0.56\nA,1,0.60\nB,0,0.12\nB,1,0.48\nC,0,0.69\nC,1,0.75\nD,0,0.28\nD,1,0.30\nE,0,0.40\nE,1,0.48\nF,0,0.9\nF,1,0.8\n",
        "model,seed,map\nA,0,0.52\nA,1,0.58\nB,0,0.11\nB,1,0.49\nC,0,0.74\nC,1,0.70\nD,0,0.22\nD,1,0.26\nE,0,0.30\nE,1,0.42\nF,0,0.9\nF,1,0.8\n",
    ];

    private IReadOnlyList<CalibrationRun> Runs(int rows = 6) => Tables.Select((csv, i) =>
    {
        var dir = Path.Combine(_root, $"run{i}");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "map.csv"), string.Concat(csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(1 + 2 * rows).Select(l => l + "\n")));
        return new CalibrationRun($"run{i}", "test", dir);
    }).ToList();

    private ToleranceCalibration Measure(string maxTolerance = "", int rows = 6) => ToleranceCalibration.Measure(Runs(rows),
        ToleranceFile.Parse($$"""{ "map": { "keys": ["model", "seed"], "meanOver": ["seed"] {{maxTolerance}} } }""", "tolerances.json"),
        ToleranceRule.Default, new StatisticalRule(0.01, 1e-6), null, "test machine", new DateOnly(2026, 12, 3));

    private static RowSpread Row(ToleranceCalibration c, string model) => c.Tables.Single().RowSpreads.Single(r => r.Row.Values[0] == model);

    [Test]
    public void Each_rows_tolerance_is_t_times_its_sd_moderated_with_the_other_rows_against_the_mean_of_the_runs()
    {
        var c = Measure();
        var table = c.Tables.Single();
        Assert.That(table.Checks, Is.EqualTo(6));                     // 6 rows × 1 column
        var prior = table.Priors["map"];
        Assert.That((prior.Df, Math.Sqrt(prior.Variance)), Is.EqualTo((2.1893211, 0.0214859)).Within(1e-6));

        var a = Row(c, "A");
        Assert.That((a.RunMeansSd, a.Sd, a.Df, a.Quantile), Is.EqualTo((0.03, 0.0259021, 4.1893211, 7.5286714)).Within(1e-6));
        // The reference is the mean of the R = 3 runs: a new run's mean differs from it by σ√(1 + 1/3), not σ√2.
        Assert.That(a.Tolerance.Absolute, Is.EqualTo(0.23));          // 7.52867 · √(4/3) · 0.0259021 = 0.225176 → 0.23
        var b = Row(c, "B");
        Assert.That((b.RunMeansSd, b.Sd), Is.EqualTo((0.0, 0.0155323)).Within(1e-6), "runs that happened to agree keep the prior's share");
        Assert.That(b.Tolerance.Absolute, Is.EqualTo(0.14));          // 0.135028 → 0.14
        Assert.That(Row(c, "C").Tolerance.Absolute, Is.EqualTo(0.14)); // 0.139410
        Assert.That(Row(c, "D").Tolerance.Absolute, Is.EqualTo(0.21)); // 0.208539
        Assert.That(Row(c, "E").Tolerance.Absolute, Is.EqualTo(0.29)); // 0.284202
        var f = Row(c, "F");
        Assert.That((f.Deterministic, f.Tolerance.Absolute), Is.EqualTo((true, 1e-6)), "every run gave the same values: the floor");
        Assert.That(b.ValueRange, Is.EqualTo(0.85 - 0.24).Within(1e-9)); // means 0.24 … 0.85
    }

    [Test]
    public void Without_a_prior_a_rows_sd_is_at_least_its_seeds_spread()
    {
        // Two rows vary (A, B): no prior. B's runs agree on 0.30, so its seeds' spread, √(0.217/5)/√2 = 0.1473092, stands
        // in; t on 2 degrees of freedom at 1 − 0.01/2.
        var c = Measure(rows: 2);
        Assert.That(c.Tables.Single().Priors["map"], Is.EqualTo(Repro.Statistics.VariancePrior.None));
        var b = Row(c, "B");
        Assert.That((b.Sd, b.Df), Is.EqualTo((0.1473092, 2.0)).Within(1e-6));
        Assert.That(b.Quantile, Is.EqualTo(Repro.Statistics.StudentT.TwoSidedQuantile(0.995, 2)).Within(1e-9));
        Assert.That(Row(c, "A").Sd, Is.EqualTo(0.03).Within(1e-9));
    }

    [Test]
    public void A_blind_tolerance_or_one_above_max_tolerance_is_refused_and_nothing_is_written()
    {
        var c = Measure(""", "maxTolerance": { "map": 0.2 }""");
        Assert.That(c.CannotFail.Select(r => (r.Row.Row.Values[0], r.Row.Problem)),
            Is.EquivalentTo(new[] { ("A", "above maxTolerance"), ("D", "above maxTolerance"), ("E", "above maxTolerance") }));   // 0.23, 0.21, 0.29 > 0.2
        Assert.That(Measure(rows: 2).CannotFail.Select(r => (r.Row.Row.Values[0], r.Row.Problem)),
            Is.EquivalentTo(new[] { ("A", "blind"), ("B", "blind") }), "two rows, no prior, t on 2 degrees of freedom: 0.35 and 1.7 reach the means' range 0.28");

        var dir = Path.Combine(_root, "ci");
        var e = Assert.Throws<CalibrationRefusedException>(() => CalibrationWriter.Write(dir, c, ToleranceFile.Empty("tolerances.json"), "calibrate"));
        Assert.That(e!.Message, Does.Contain("model=A").And.Contain("model=E"));
        Assert.That(File.Exists(Path.Combine(dir, SnapshotStore.ToleranceFileName)), Is.False);

        CalibrationWriter.Write(dir, c, ToleranceFile.Empty("tolerances.json"), "calibrate", allowCannotFail: true);
        var rows = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, SnapshotStore.ToleranceFileName)))!["map"]!["rows"]!;
        Assert.That(rows["model=A"]!["map"]!["$above_max"], Is.Not.Null);
        Assert.That(rows["model=A"]!["map"]!["$blind"], Is.Null);
        Assert.That(rows["model=B"]!["map"]!["$above_max"], Is.Null);
        Assert.That(rows["model=A"]!["map"]!["absolute"]!.GetValue<double>(), Is.EqualTo(0.23));
        Assert.That(rows["model=F"]!["map"]!["$exact"], Is.Not.Null);
    }

    [Test]
    public void The_written_tolerances_are_read_back_and_judge_the_runs_row_by_row()
    {
        var c = Measure();
        var dir = Path.Combine(_root, "ci");
        CalibrationWriter.Write(dir, c, ToleranceFile.Empty("tolerances.json"), "calibrate");
        var written = ToleranceFile.LoadOrEmpty(Path.Combine(dir, SnapshotStore.ToleranceFileName)).For("map");
        Assert.That(written.MeanOver, Is.EqualTo(new[] { "seed" }));
        Assert.That(written.For(new Dictionary<string, string> { ["model"] = "A" }, "map").Absolute, Is.EqualTo(0.23));
        Assert.That(written.For(new Dictionary<string, string> { ["model"] = "B" }, "map").Absolute, Is.EqualTo(0.14));
        Assert.That(written.For(new Dictionary<string, string> { ["model"] = "F" }, "map").Absolute, Is.EqualTo(1e-6));
        Assert.That(VerifiedSnapshotCheck.Compare(dir, c).Select(v => v.IsMatch), Is.All.True, "each run against the mean of the runs");
    }

    [Test]
    public void The_calibration_writes_the_mean_of_its_runs_group_means_as_the_verified_reference()
    {
        var c = Measure();
        var dir = Path.Combine(_root, "ci");
        CalibrationWriter.Write(dir, c, ToleranceFile.Empty("tolerances.json"), "calibrate");
        var reference = CsvTable.ReadFile(Path.Combine(dir, "map.verified.csv"));
        Assert.That(reference.Header, Is.EqualTo(new[] { "model", "map", GroupMeans.CountColumn }), "reduced: no seed column, the rows averaged");
        var means = reference.Rows.ToDictionary(r => r.Cells[0], r => double.Parse(r.Cells[1], System.Globalization.CultureInfo.InvariantCulture));
        // A: run means 0.52, 0.58, 0.55; C: 0.71, 0.72, 0.72; F: 0.85 in every run.
        Assert.That((means["A"], means["C"], means["F"]), Is.EqualTo((0.55, 0.7166667, 0.85)).Within(1e-7));
        Assert.That(reference.Rows.Select(r => r.Cells[2]), Is.All.EqualTo("2"));

        // A run whose A mean moved by more than its tolerance (0.23) from 0.55 fails; by less, it passes.
        var store = new SnapshotStore(_root);
        var within = Tables[0].Replace("A,0,0.50\nA,1,0.54", "A,0,0.73\nA,1,0.79");   // mean 0.76: 0.21 from the reference
        Assert.That(store.Check("ci", "map", ".csv", within).Status, Is.EqualTo(SnapshotStatus.Match));
        var beyond = Tables[0].Replace("A,0,0.50\nA,1,0.54", "A,0,0.77\nA,1,0.81");   // mean 0.79: 0.24
        Assert.That(store.Check("ci", "map", ".csv", beyond).Status, Is.EqualTo(SnapshotStatus.Mismatch));
    }

    [Test]
    public void Two_runs_with_the_same_table_are_one_draw_of_training_and_refused()
    {
        var runs = Runs();
        File.Copy(Path.Combine(runs[0].TablesDir, "map.csv"), Path.Combine(runs[2].TablesDir, "map.csv"), overwrite: true);
        var e = Assert.Throws<InvalidDataException>(() => ToleranceCalibration.Measure(runs,
            ToleranceFile.Parse("""{ "map": { "keys": ["model", "seed"], "meanOver": ["seed"] } }""", "tolerances.json"),
            ToleranceRule.Default, StatisticalRule.Default, null, "test machine", new DateOnly(2026, 12, 3)));
        Assert.That(e!.Message, Does.Contain("'run0'").And.Contain("'run2'").And.Contain("one draw"));
    }

    [Test]
    public void A_run_that_lacks_a_seed_is_an_error_naming_the_group()
    {
        var runs = Runs();
        File.WriteAllText(Path.Combine(runs[1].TablesDir, "map.csv"), Tables[1].Replace("A,1,0.60\n", ""));
        var e = Assert.Throws<InvalidDataException>(() => ToleranceCalibration.Measure(runs,
            ToleranceFile.Parse("""{ "map": { "keys": ["model", "seed"], "meanOver": ["seed"] } }""", "tolerances.json"),
            ToleranceRule.Default, StatisticalRule.Default, null, "test machine", new DateOnly(2026, 12, 3)));
        Assert.That(e!.Message, Does.Contain("model=A").And.Contain("run1"));
    }
}
