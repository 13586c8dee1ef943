using System.Text.Json.Nodes;
using Repro.Reporting.Snapshots;
using Repro.Reporting.Snapshots.Calibration;
using Repro.Reporting.Tables;

namespace Repro.Tests.Reporting;

/// <summary>
/// Tolerances measured from runs that differ only in float rounding: crafted tables for three runs, the tolerance
/// each numeric column gets (multiple × the largest difference between any two runs, floor, rounded up), and what is
/// an error or a finding rather than a tolerance.
/// </summary>
[TestFixture]
public class ToleranceCalibrationTests
{
    private string _root = "";

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("repro-calibration-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    private static readonly ToleranceRule Rule = new(Multiple: 3, Floor: 1e-6);

    private static readonly ToleranceFile Keyed = ToleranceFile.Parse(
        """{ "map": { "keys": ["model", "test_set"] }, "claims": { "keys": ["id"] }, "gone": { "keys": ["x"], "columns": { "y": { "absolute": 0.5 } } } }""", "tolerances.json");

    private CalibrationRun Run(string name, params (string Table, string Csv)[] tables)
    {
        var dir = Path.Combine(_root, name, "tables");
        Directory.CreateDirectory(dir);
        foreach (var (table, csv) in tables) File.WriteAllText(Path.Combine(dir, table + ".csv"), csv);
        return new CalibrationRun(name, name == "baseline" ? "no variables set" : $"{name.ToUpperInvariant()}=1", dir);
    }

    private static string Map(double uRealReal, double uRealSyn, int count = 100, bool reversed = false)
    {
        var rows = new[] { $"U-Real,real,{uRealReal:R},{count}", $"U-Real,synthetic,{uRealSyn:R},{count}" };
        if (reversed) Array.Reverse(rows);
        return "model,test_set,map,count\n" + string.Join("\n", rows) + "\n";
    }

    private IReadOnlyList<CalibrationRun> ThreeRuns(string? claimsB = null) =>
    [
        Run("baseline", ("map", Map(0.40, 0.10)), ("claims", "id,verdict,value\nC01,holds,0.91\nC02,does not hold,0.5\n")),
        Run("avx2", ("map", Map(0.41, 0.10, reversed: true)), ("claims", claimsB ?? "id,verdict,value\nC01,holds,0.92\nC02,does not hold,0.5\n")),
        Run("threads", ("map", Map(0.395, 0.1000002)), ("claims", "id,verdict,value\nC01,holds,0.905\nC02,does not hold,0.5\n")),
    ];

    private static ColumnSpread Column(ToleranceCalibration c, string table, string column) =>
        c.Tables.Single(t => t.Name == table).Columns.Single(s => s.Column == column);

    private ToleranceCalibration Measure(IReadOnlyList<CalibrationRun> runs) =>
        ToleranceCalibration.Measure(runs, Keyed, Rule, "test machine", new DateOnly(2026, 12, 1));

    [Test]
    public void A_columns_tolerance_is_the_multiple_of_the_largest_difference_between_any_two_runs_rounded_up()
    {
        var map = Column(Measure(ThreeRuns()), "map", "map");
        // 0.41 (avx2) − 0.395 (threads) = 0.015, not 0.01 from the baseline: every pair counts. 3 × 0.015 = 0.045.
        Assert.That(map.MaxDeviation, Is.EqualTo(0.015).Within(1e-12));
        Assert.That(map.Tolerance.Absolute, Is.EqualTo(0.045));
        Assert.That(map.Tolerance.Relative, Is.Zero);
        Assert.That(map.Where!.ToString(), Is.EqualTo("model=U-Real, test_set=real"));
        Assert.That((map.HighRun, map.High, map.LowRun, map.Low), Is.EqualTo(("avx2", 0.41, "threads", 0.395)));
        Assert.That(map.IsBlind, Is.False, "0.045 is far inside the column's range of 0.31");
    }

    [Test]
    public void A_column_every_run_agrees_on_gets_the_floor()
    {
        var count = Column(Measure(ThreeRuns()), "map", "count");
        Assert.That(count.MaxDeviation, Is.Zero);
        Assert.That(count.Where, Is.Null);
        Assert.That(count.Tolerance.Absolute, Is.EqualTo(1e-6));
    }

    [Test]
    public void A_column_that_rounding_moves_across_its_whole_range_is_flagged_blind()
    {
        var runs = new[]
        {
            Run("baseline", ("stats", "layer,cka,count\n0,0.5,7\n1,0.6,7\n")),
            Run("avx2", ("stats", "layer,cka,count\n0,0.6,7\n1,0.5,7\n")),
        };
        var calibration = Measure(runs);
        var cka = Column(calibration, "stats", "cka");
        Assert.That((cka.ValueRange, cka.IsBlind), Is.EqualTo((0.09999999999999998, true)), "tolerance 0.3 admits anything in [0.5, 0.6]");
        Assert.That(Column(calibration, "stats", "count").IsBlind, Is.False, "a constant column is exact up to the floor, not blind");
    }

    [TestCase(0.0377, 0.038)]
    [TestCase(0.038, 0.038)]
    [TestCase(1.0000001, 1.1)]
    [TestCase(123.4, 130)]
    [TestCase(1e-6, 1e-6)]
    [TestCase(6e-7, 6e-7)]
    public void Tolerances_are_rounded_up_to_two_significant_digits(double value, double rounded)
    {
        Assert.That(ToleranceRule.RoundUp(value), Is.EqualTo(rounded));
        Assert.That(ToleranceRule.RoundUp(value), Is.GreaterThanOrEqualTo(value));
    }

    [Test]
    public void Rows_are_matched_by_the_declared_keys_and_keys_get_no_tolerance()
    {
        // avx2 lists its rows in the other order: matched by position, its "U-Real,synthetic" row would be 0.31 away.
        var map = Measure(ThreeRuns()).Tables.Single(t => t.Name == "map");
        Assert.That(map.Keys, Is.EqualTo(new[] { "model", "test_set" }));
        Assert.That(map.Columns.Select(c => c.Column), Is.EqualTo(new[] { "map", "count" }));
        Assert.That(Column(Measure(ThreeRuns()), "map", "map").MaxDeviation, Is.LessThan(0.02));
    }

    [Test]
    public void Without_declared_keys_rows_are_matched_by_position()
    {
        var runs = new[]
        {
            Run("baseline", ("stats", "layer,mean\n0,1.0\n1,2.0\n")),
            Run("avx2", ("stats", "layer,mean\n0,1.5\n1,2.0\n")),
        };
        var stats = Measure(runs).Tables.Single();
        Assert.That(stats.Keys, Is.Empty);
        Assert.That(Column(Measure(runs), "stats", "mean").Where!.ToString(), Is.EqualTo("row=1"));
        Assert.That(stats.Columns.Select(c => c.Column), Is.EqualTo(new[] { "layer", "mean" }), "without keys every column is data");
    }

    [Test]
    public void Non_numeric_columns_get_no_tolerance_and_a_verdict_that_differs_is_recorded()
    {
        var calibration = Measure(ThreeRuns(claimsB: "id,verdict,value\nC01,holds,0.92\nC02,holds,0.5\n"));
        var claims = calibration.Tables.Single(t => t.Name == "claims");
        Assert.That(claims.Columns.Select(c => c.Column), Is.EqualTo(new[] { "value" }), "verdict is text: compared exactly, never a tolerance");
        var flip = calibration.Disagreements.Single();
        Assert.That(flip.Table, Is.EqualTo("claims"));
        Assert.That(flip.Cell.Column, Is.EqualTo("verdict"));
        Assert.That(flip.Cell.Row.ToString(), Is.EqualTo("id=C02"));
        Assert.That(flip.Cell.Values, Is.EqualTo(new[] { "does not hold", "holds", "does not hold" }));
    }

    [Test]
    public void Equal_verdicts_are_no_finding()
    {
        Assert.That(Measure(ThreeRuns()).Disagreements, Is.Empty);
    }

    [Test]
    public void A_number_in_one_run_and_NaN_in_another_is_a_finding_not_a_spread()
    {
        var runs = new[]
        {
            Run("baseline", ("claims", "id,value\nC01,0.5\nC02,NaN\nC03,NaN\n")),
            Run("avx2", ("claims", "id,value\nC01,0.6\nC02,0.7\nC03,NaN\n")),
        };
        var calibration = Measure(runs);
        Assert.That(Column(calibration, "claims", "value").MaxDeviation, Is.EqualTo(0.1).Within(1e-12), "only rows numeric in every run count");
        Assert.That(calibration.Disagreements.Select(d => d.Cell.Row.ToString()), Is.EqualTo(new[] { "id=C02" }), "NaN in every run agrees");
    }

    [Test]
    public void A_row_missing_from_one_run_is_an_error_naming_the_table_the_key_and_the_run()
    {
        var runs = new[]
        {
            Run("baseline", ("map", Map(0.4, 0.1))),
            Run("avx2", ("map", "model,test_set,map,count\nU-Real,real,0.41,100\n")),
        };
        var e = Assert.Throws<InvalidDataException>(() => Measure(runs))!;
        Assert.That(e.Message, Does.Contain("'map'").And.Contain("model=U-Real, test_set=synthetic").And.Contain("'avx2'"));
    }

    [Test]
    public void A_row_only_one_run_has_is_an_error_too()
    {
        var runs = new[]
        {
            Run("baseline", ("map", "model,test_set,map,count\nU-Real,real,0.41,100\n")),
            Run("avx2", ("map", Map(0.4, 0.1))),
        };
        var e = Assert.Throws<InvalidDataException>(() => Measure(runs))!;
        Assert.That(e.Message, Does.Contain("'map'").And.Contain("test_set=synthetic").And.Contain("of run 'avx2' is missing from run 'baseline'"));
    }

    [Test]
    public void A_table_missing_from_one_run_is_an_error_naming_it()
    {
        var runs = new[] { Run("baseline", ("map", Map(0.4, 0.1)), ("claims", "id,verdict\nC01,holds\n")), Run("avx2", ("map", Map(0.4, 0.1))) };
        var e = Assert.Throws<InvalidDataException>(() => Measure(runs))!;
        Assert.That(e.Message, Does.Contain("'claims'").And.Contain("'avx2'"));
    }

    [Test]
    public void One_run_is_not_a_spread() =>
        Assert.Throws<ArgumentException>(() => Measure([Run("baseline", ("map", Map(0.4, 0.1)))]));

    [TestCase(0.5, 1e-6)]
    [TestCase(3, 0)]
    public void A_rule_that_would_fail_its_own_runs_is_refused(double multiple, double floor) =>
        Assert.Throws<ArgumentException>(() => ToleranceCalibration.Measure(ThreeRuns(), Keyed, new ToleranceRule(multiple, floor), "m", default));

    [Test]
    public void The_written_file_is_a_valid_tolerance_file_that_keeps_the_keys_and_says_where_each_tolerance_came_from()
    {
        var calibration = Measure(ThreeRuns(claimsB: "id,verdict,value\nC01,holds,0.92\nC02,holds,0.5\n"));
        var dir = Path.Combine(_root, "expected", "ci");
        CalibrationWriter.Write(dir, calibration, Keyed, "./build.sh --target Calibrate --profile ci");

        var path = Path.Combine(dir, "tolerances.json");
        var file = ToleranceFile.LoadOrEmpty(path);
        Assert.That(file.For("map").Keys, Is.EqualTo(new[] { "model", "test_set" }));
        Assert.That(file.For("map").For("map"), Is.EqualTo(new Tolerance(0.045)));
        Assert.That(file.For("map").For("count"), Is.EqualTo(new Tolerance(1e-6)));
        // 0.92 − 0.905 is 0.015000000000000013 in doubles: three times it rounds up to 0.046, never down.
        Assert.That(file.For("claims").For("value"), Is.EqualTo(new Tolerance(0.046)));
        Assert.That(file.For("claims").For("verdict"), Is.EqualTo(Tolerance.Exact));
        Assert.That(file.For("gone").For("y"), Is.EqualTo(new Tolerance(0.5)), "a table the runs did not produce keeps its declaration");

        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.That((string)json["$comment"]!, Does.Contain("3 × the largest difference").And.Contain("./build.sh --target Calibrate --profile ci"));
        Assert.That((string)json["$calibrated"]!, Is.EqualTo("2026-12-01 on test machine"));
        Assert.That((string)json["$runs"]!["avx2"]!, Is.EqualTo("AVX2=1"));
        Assert.That(json["$non_numeric_differences"]!.AsArray().Select(n => (string)n!), Is.EqualTo(new[]
            { "claims (id=C02) verdict: baseline = does not hold; avx2 = holds; threads = does not hold" }));
        Assert.That((string)json["map"]!["columns"]!["map"]!["$where"]!, Is.EqualTo("model=U-Real, test_set=real: avx2 0.41 vs threads 0.395"));

        var calibrationDir = Path.Combine(dir, CalibrationWriter.Folder);
        var summary = CsvTable.ReadFile(Path.Combine(calibrationDir, "summary.csv"));
        Assert.That(summary.Rows.Select(r => $"{r.Cells[0]}.{r.Cells[1]}"), Is.EqualTo(new[] { "claims.value", "map.map", "map.count" }));
        var differences = CsvTable.ReadFile(Path.Combine(calibrationDir, "non-numeric-differences.csv"));
        Assert.That(differences.Header, Is.EqualTo(new[] { "table", "column", "row", "baseline", "avx2", "threads" }));
        Assert.That(differences.Rows.Single().Cells, Is.EqualTo(new[] { "claims", "verdict", "id=C02", "does not hold", "holds", "does not hold" }));
        var runs = CsvTable.ReadFile(Path.Combine(calibrationDir, "runs.csv"));
        Assert.That(runs.Rows.Select(r => r.Cells[2]), Is.EqualTo(new[] { "", "3", "3" }), "cells changed against the baseline: avx2 a map, a claim value and a verdict; threads two maps and a claim value");
        Assert.That(File.ReadAllText(Path.Combine(calibrationDir, "threads", "map.csv")), Is.EqualTo(Map(0.395, 0.1000002)));
    }

    [Test]
    public void Every_run_passes_the_snapshot_check_against_the_tolerances_made_from_them()
    {
        var calibration = Measure(ThreeRuns());
        var dir = Path.Combine(_root, "expected", "ci");
        Directory.CreateDirectory(dir);
        File.Copy(Path.Combine(calibration.Runs[0].TablesDir, "map.csv"), Path.Combine(dir, "map.verified.csv"));
        CalibrationWriter.Write(dir, calibration, Keyed, "calibrate");

        var check = VerifiedSnapshotCheck.Compare(dir, calibration);
        Assert.That(check.Where(c => c.Table == "map").Select(c => c.Outcome), Is.All.EqualTo("match"));
        Assert.That(check.Where(c => c.Table == "claims").Select(c => c.HasVerified), Is.All.False);
    }

    [Test]
    public void A_recalibration_leaves_nothing_of_the_previous_one_beside_it()
    {
        var dir = Path.Combine(_root, "expected", "ci");
        CalibrationWriter.Write(dir, Measure(ThreeRuns()), Keyed, "calibrate");
        CalibrationWriter.Write(dir, Measure(ThreeRuns().Take(2).ToList()), Keyed, "calibrate");
        Assert.That(Directory.Exists(Path.Combine(dir, CalibrationWriter.Folder, "threads")), Is.False);
    }

    [Test]
    public void A_large_table_is_kept_compressed_and_the_kept_runs_can_be_runs_of_the_next_calibration()
    {
        // Over 1 MiB (a per-layer CKA table is): kept as .csv.gz, so a later calibration adds a new run to the old ones
        // without rerunning them, and gets what it would get from the original tables.
        var padding = new string('x', 70); // few rows, many bytes: the test stays quick
        string Big(double shift) => "model,test_set,map,count,note\n" + string.Concat(Enumerable.Range(0, 14_000)
            .Select(i => $"U-Real,set{i},{0.4 + shift + i * 1e-6:R},100,{padding}\n"));
        var runs = new[] { Run("baseline", ("map", Big(0))), Run("avx2", ("map", Big(0.01))), Run("threads", ("map", Big(-0.005))) };
        Assert.That(new FileInfo(Path.Combine(runs[0].TablesDir, "map.csv")).Length, Is.GreaterThan(CalibrationWriter.MaxPlainTableBytes));
        var dir = Path.Combine(_root, "expected", "ci");
        CalibrationWriter.Write(dir, Measure(runs), Keyed, "calibrate");

        var kept = Path.Combine(dir, CalibrationWriter.Folder, "avx2");
        Assert.That(File.Exists(Path.Combine(kept, "map.csv")), Is.False);
        Assert.That(new FileInfo(Path.Combine(kept, "map.csv.gz")).Length, Is.LessThan(CalibrationWriter.MaxPlainTableBytes / 2));
        Assert.That(CalibrationTables.ReadBytes(kept, "map"), Is.EqualTo(File.ReadAllBytes(Path.Combine(runs[1].TablesDir, "map.csv"))));
        Assert.That((string)JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "tolerances.json")))!["$tables_compressed"]!, Does.Contain("map"));

        // The next calibration: the three kept runs, read from the folder it rewrites, and a new one.
        var fresh = Run("sandybridge", ("map", Big(0.02)));
        var again = runs.Select(r => new CalibrationRun(r.Name, r.Environment, Path.Combine(dir, CalibrationWriter.Folder, r.Name))).Append(fresh).ToList();
        var direct = Column(Measure([.. runs, fresh]), "map", "map").Tolerance;
        CalibrationWriter.Write(dir, Measure(again), ToleranceFile.LoadOrEmpty(Path.Combine(dir, "tolerances.json")), "calibrate");
        Assert.That(ToleranceFile.LoadOrEmpty(Path.Combine(dir, "tolerances.json")).For("map").For("map"), Is.EqualTo(direct));
        Assert.That(direct.Absolute, Is.EqualTo(0.076), "3 × (0.02 − (−0.005)), the new run against a kept one (a hair above 0.025 in doubles, rounded up)");
        Assert.That(CalibrationTables.ReadBytes(kept, "map"), Is.EqualTo(File.ReadAllBytes(Path.Combine(runs[1].TablesDir, "map.csv"))), "rewritten from its own bytes");
    }

    [Test]
    public void A_partial_recalibration_keeps_the_files_order_and_the_columns_of_the_runs_it_did_not_repeat()
    {
        // A reviewer reads a recalibration as a diff: what it did not measure must stay where it was, byte for byte.
        var dir = Path.Combine(_root, "expected", "ci");
        CalibrationWriter.Write(dir, Measure(ThreeRuns(claimsB: "id,verdict,value\nC01,does not hold,0.92\nC02,does not hold,0.5\n")), Keyed, "calibrate");
        var toleranceFile = Path.Combine(dir, SnapshotStore.ToleranceFileName);
        var differencesFile = Path.Combine(dir, CalibrationWriter.Folder, "non-numeric-differences.csv");
        var claimsRow = File.ReadAllLines(differencesFile)[1];

        var previous = ToleranceFile.LoadOrEmpty(toleranceFile);
        var mapOnly = ToleranceCalibration.Measure(ThreeRuns().Take(2).ToList(), previous, Rule, StatisticalRule.Default, ["map"], "test machine", new DateOnly(2026, 12, 2));
        CalibrationWriter.Write(dir, mapOnly, previous, "calibrate map");

        Assert.That(ToleranceFile.LoadOrEmpty(toleranceFile).Declared.Select(d => d.Name), Is.EqualTo(new[] { "map", "claims", "gone" }));
        var differences = File.ReadAllLines(differencesFile);
        Assert.That(differences[0], Does.Contain("threads"), "the run the partial calibration did not repeat keeps its column");
        Assert.That(differences[1], Is.EqualTo(claimsRow));

        // The header still describes every table: the runs of both calibrations, the claims' differing verdict, both dates.
        var header = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(toleranceFile))!.AsObject();
        Assert.That(header["$runs"]!.AsObject().Select(p => p.Key), Is.EquivalentTo(ThreeRuns().Select(r => r.Name)));
        Assert.That(header["$non_numeric_differences"]!.ToJsonString(), Does.Contain("claims (id=C01)"));
        Assert.That(header["$calibrated"]!.GetValue<string>(), Does.Contain("; map recalibrated 2026-12-02 on test machine"));
        var runs = File.ReadAllLines(Path.Combine(dir, CalibrationWriter.Folder, "runs.csv"));
        Assert.That(runs.Skip(1).Select(l => l.Split(',')[0]), Is.EquivalentTo(ThreeRuns().Select(r => r.Name)), "runs.csv keeps the run it did not repeat");
    }

    [Test]
    public void Only_a_calibration_that_measured_the_claims_writes_their_rerun_coverage()
    {
        // Runs whose claims carry intervals; the map-only recalibration pairs them with claims of another kind
        // (older code, say), which must not replace the coverage the claims' own calibration measured.
        static string Claims(double value) => $"id,verdict,value,lower,upper,control\nC01,holds,{value},{value - 0.1},{value + 0.1},n/a\n";
        IReadOnlyList<CalibrationRun> WithClaims(double a, double b) =>
        [
            Run("baseline", ("map", Map(0.40, 0.10)), ("claims", Claims(a))),
            Run("avx2", ("map", Map(0.41, 0.10, reversed: true)), ("claims", Claims(b))),
        ];
        var dir = Path.Combine(_root, "expected", "ci");
        CalibrationWriter.Write(dir, Measure(WithClaims(0.5, 0.55)), Keyed, "calibrate");
        var coverageFile = Path.Combine(dir, CalibrationWriter.Folder, CalibrationWriter.RerunCoverageFile);
        var coverage = File.ReadAllText(coverageFile);
        Assert.That(coverage, Does.Contain("C01,2,2,1"));

        var previous = ToleranceFile.LoadOrEmpty(Path.Combine(dir, SnapshotStore.ToleranceFileName));
        var mapOnly = ToleranceCalibration.Measure(WithClaims(0.5, 0.9), previous, Rule, StatisticalRule.Default, ["map"], "test machine", new DateOnly(2026, 12, 2));
        CalibrationWriter.Write(dir, mapOnly, previous, "calibrate map");
        Assert.That(File.ReadAllText(coverageFile), Is.EqualTo(coverage));
    }
}
