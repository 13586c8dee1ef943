using Repro.Reporting.Snapshots;
using Repro.Reporting.Tables;

namespace Repro.Tests.Reporting;

[TestFixture]
[NonParallelizable] // sets and restores the CI environment variable
public class SnapshotStoreTests
{
    private string _root = "";
    private string? _ciBefore;

    [SetUp]
    public void SetUp()
    {
        _root = Directory.CreateTempSubdirectory("repro-snapshots-").FullName;
        // The suite itself may run under CI (CI=true); each test states the value it needs.
        _ciBefore = Environment.GetEnvironmentVariable("CI");
        Environment.SetEnvironmentVariable("CI", null);
    }

    [TearDown]
    public void TearDown()
    {
        Environment.SetEnvironmentVariable("CI", _ciBefore);
        Directory.Delete(_root, recursive: true);
    }

    private string ProfileDir => Path.Combine(_root, "smoke");

    private static ResultTable Map(double uReal, double uSyn) =>
        new ResultTable("table2", new[] { new TableColumn("model"), new TableColumn("test_set"), new TableColumn("mAP", "F3") })
            .AddRow("U-Real", "real", uReal)
            .AddRow("U-Synthetic", "real", uSyn)
            .AddRow("U-Synthetic", "synthetic", 0.89);

    private void WriteTolerances(string json)
    {
        Directory.CreateDirectory(ProfileDir);
        File.WriteAllText(Path.Combine(ProfileDir, "tolerances.json"), json);
    }

    private const string Table2Tolerances = """{ "table2": { "keys": ["model", "test_set"], "columns": { "mAP": { "absolute": 0.01 } } } }""";

    [Test]
    public void Accepting_one_run_over_a_calibrated_mean_is_refused_and_leaves_every_verified_file_as_it_was()
    {
        // The calibration wrote the mean of its runs' seed means (reduced: no seed column) and tolerances made for it.
        WriteTolerances("""{ "map": { "keys": ["model", "seed"], "meanOver": ["seed"], "columns": { "map": { "absolute": 0.05 } } }, "other": { "keys": ["a"] } }""");
        var reference = "model,map,rows averaged\nA,0.55,2\n";
        File.WriteAllText(Path.Combine(ProfileDir, "map.verified.csv"), reference);
        File.WriteAllText(Path.Combine(ProfileDir, "other.verified.csv"), "a,b\n1,2\n");
        var store = new SnapshotStore(_root);
        Assert.That(store.Check("smoke", "map", ".csv", "model,seed,map\nA,0,0.56\nA,1,0.58\n").Status, Is.EqualTo(SnapshotStatus.Match), "mean 0.57, 0.02 from the reference");
        Assert.That(store.Check("smoke", "map", ".csv", "model,seed,map\nA,0,0.60\nA,1,0.64\n").Status, Is.EqualTo(SnapshotStatus.Mismatch), "mean 0.62");
        Assert.That(store.Check("smoke", "other", ".csv", "a,b\n1,3\n").Status, Is.EqualTo(SnapshotStatus.Mismatch));

        var e = Assert.Throws<SnapshotAcceptRefusedException>(() => store.Accept("smoke"));
        Assert.That(e!.Message, Does.Contain("map.verified.csv").And.Contain("mean of the profile's calibration runs").And.Contain("recalibrat"));
        Assert.That(File.ReadAllText(Path.Combine(ProfileDir, "map.verified.csv")), Is.EqualTo(reference));
        Assert.That(File.ReadAllText(Path.Combine(ProfileDir, "other.verified.csv")), Is.EqualTo("a,b\n1,2\n"), "nothing is accepted when one file is refused");
        Assert.That(store.Accept("smoke", "other"), Has.Count.EqualTo(1), "a table with one run's values is accepted as before");
    }

    [Test]
    public void A_missing_verified_file_writes_the_received_file_and_fails_with_how_to_accept()
    {
        var store = new SnapshotStore(_root);
        var result = store.Check("smoke", Map(0.43, 0.12));

        Assert.That(result.Status, Is.EqualTo(SnapshotStatus.MissingVerified));
        Assert.That(result.IsMatch, Is.False);
        var received = Path.Combine(ProfileDir, "table2.received.csv");
        Assert.That(result.ReceivedPath, Is.EqualTo(received));
        Assert.That(File.ReadAllText(received), Is.EqualTo(CsvTable.ToCsv(Map(0.43, 0.12))));
        Assert.That(File.Exists(Path.Combine(ProfileDir, "table2.verified.csv")), Is.False, "never accepted automatically");
        Assert.That(result.Describe(), Does.Contain("repro snapshot accept --profile smoke --name table2").And.Contain(received));
    }

    [Test]
    public void Accept_promotes_received_to_verified_and_the_next_check_matches()
    {
        var store = new SnapshotStore(_root);
        store.Check("smoke", Map(0.43, 0.12));
        var accepted = store.Accept("smoke", "table2");

        var verified = Path.Combine(ProfileDir, "table2.verified.csv");
        Assert.That(accepted, Is.EqualTo(new[] { verified }));
        Assert.That(File.ReadAllText(verified), Is.EqualTo(CsvTable.ToCsv(Map(0.43, 0.12))));
        Assert.That(File.Exists(Path.Combine(ProfileDir, "table2.received.csv")), Is.False);
        Assert.That(Directory.GetFiles(ProfileDir), Has.Length.EqualTo(1), "no temporary files left");
        Assert.That(store.Check("smoke", Map(0.43, 0.12)).Status, Is.EqualTo(SnapshotStatus.Match));
    }

    [Test]
    public void A_mismatch_writes_received_and_reports_only_the_differing_rows_and_a_match_removes_the_stale_received_file()
    {
        WriteTolerances(Table2Tolerances);
        var store = new SnapshotStore(_root);
        File.WriteAllText(Path.Combine(ProfileDir, "table2.verified.csv"), CsvTable.ToCsv(Map(0.43, 0.12)));
        var received = Path.Combine(ProfileDir, "table2.received.csv");

        var within = store.Check("smoke", Map(0.435, 0.125));
        Assert.That(within.Status, Is.EqualTo(SnapshotStatus.Match), within.Describe());
        Assert.That(File.Exists(received), Is.False);

        var changed = store.Check("smoke", Map(0.43, 0.20));
        Assert.That(changed.Status, Is.EqualTo(SnapshotStatus.Mismatch));
        Assert.That(File.ReadAllText(received), Is.EqualTo(CsvTable.ToCsv(Map(0.43, 0.20))));
        var message = changed.Describe();
        Assert.That(message, Does.Contain("| U-Synthetic | real | 0.2 | 0.12 | +0.08 |"));
        Assert.That(message, Does.Not.Contain("U-Real"), "rows within tolerance are not listed");
        Assert.That(message, Does.Contain("mAP difference (abs 0.01)"));
        Assert.That(File.ReadAllText(Path.Combine(ProfileDir, "table2.verified.csv")), Is.EqualTo(CsvTable.ToCsv(Map(0.43, 0.12))), "the verified file is untouched");

        var back = store.Check("smoke", Map(0.43, 0.12));
        Assert.That(back.IsMatch, Is.True);
        Assert.That(File.Exists(received), Is.False, "a match deletes the stale received file");
    }

    [TestCase("true")]
    [TestCase("1")]
    [TestCase("yes")]
    public void Accept_is_refused_under_CI_and_changes_nothing(string ci)
    {
        var store = new SnapshotStore(_root);
        store.Check("smoke", Map(0.43, 0.12));
        var received = Path.Combine(ProfileDir, "table2.received.csv");
        Environment.SetEnvironmentVariable("CI", ci);

        Assert.That(() => store.Accept("smoke"), Throws.InstanceOf<SnapshotAcceptRefusedException>().With.Message.Contains("CI"));
        Assert.That(() => store.Accept("smoke", "table2"), Throws.InstanceOf<SnapshotAcceptRefusedException>());
        Assert.That(File.Exists(received), Is.True);
        Assert.That(File.Exists(Path.Combine(ProfileDir, "table2.verified.csv")), Is.False);
    }

    [TestCase("false")]
    [TestCase("0")]
    [TestCase("")]
    public void CI_set_to_false_or_empty_does_not_count_as_CI(string ci)
    {
        Environment.SetEnvironmentVariable("CI", ci);
        Assert.That(ContinuousIntegration.IsActive, Is.False);
        Environment.SetEnvironmentVariable("CI", "true");
        Assert.That(ContinuousIntegration.IsActive, Is.True);
    }

    [Test]
    public void A_table_declared_pending_passes_without_a_verified_file_and_says_why_but_is_compared_once_recorded()
    {
        WriteTolerances("""{ "table2": { "keys": ["model", "test_set"], "pending": "smoke's calibration runs predate the table." } }""");
        var store = new SnapshotStore(_root);

        var pending = store.Check("smoke", Map(0.43, 0.12));
        Assert.That(pending.Status, Is.EqualTo(SnapshotStatus.Pending));
        Assert.That((pending.Passes, pending.IsMatch), Is.EqualTo((true, false)));
        Assert.That(pending.Describe(), Does.Contain("smoke's calibration runs predate the table.").And.Contain("table2.received.csv"));
        Assert.That(File.Exists(Path.Combine(ProfileDir, "table2.received.csv")), Is.True, "written, to accept once recorded");

        store.Accept("smoke", "table2");
        Assert.That(store.Check("smoke", Map(0.43, 0.12)).Status, Is.EqualTo(SnapshotStatus.Match));
        var moved = store.Check("smoke", Map(0.5, 0.12));
        Assert.That((moved.Status, moved.Passes), Is.EqualTo((SnapshotStatus.Mismatch, false)), "a recorded table is compared, pending or not");
    }

    [Test]
    public void Pending_must_say_why()
    {
        WriteTolerances("""{ "table2": { "keys": ["model"], "pending": "" } }""");
        Assert.That(() => new SnapshotStore(_root).Tolerances("smoke"), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("pending"));
    }

    [Test]
    public void A_check_under_CI_still_writes_received_but_never_verified()
    {
        Environment.SetEnvironmentVariable("CI", "true");
        var store = new SnapshotStore(_root);
        var result = store.Check("smoke", Map(0.43, 0.12));
        Assert.That(result.Status, Is.EqualTo(SnapshotStatus.MissingVerified));
        Assert.That(Directory.GetFiles(ProfileDir).Select(Path.GetFileName), Is.EqualTo(new[] { "table2.received.csv" }));
    }

    [Test]
    public void Accept_without_a_name_promotes_every_received_file_of_the_profile_only()
    {
        var store = new SnapshotStore(_root);
        store.Check("smoke", Map(0.43, 0.12));
        store.Check("smoke", "report-table5", ".md", "| a |\n| --- |\n| 1 |\n");
        store.Check("ci", Map(0.1, 0.1));

        var accepted = store.Accept("smoke").Select(Path.GetFileName);
        Assert.That(accepted, Is.EqualTo(new[] { "report-table5.verified.md", "table2.verified.csv" }));
        Assert.That(File.Exists(Path.Combine(_root, "ci", "table2.received.csv")), Is.True, "other profiles are left alone");
        Assert.That(store.Accept("smoke"), Is.Empty, "nothing left to accept");
        Assert.That(() => store.Accept("smoke", "table2"), Throws.InstanceOf<FileNotFoundException>().With.Message.Contains("table2"));
    }

    [Test]
    public void Markdown_snapshots_are_compared_as_text_with_a_line_diff()
    {
        var store = new SnapshotStore(_root);
        Directory.CreateDirectory(ProfileDir);
        File.WriteAllText(Path.Combine(ProfileDir, "t.verified.md"), "| a | b |\r\n| --- | --- |\r\n| 1 | 2 |\r\n| 3 | 4 |\r\n");

        Assert.That(store.Check("smoke", "t", ".md", "| a | b |\n| --- | --- |\n| 1 | 2 |\n| 3 | 4 |\n").IsMatch, Is.True, "CRLF checkouts still match");
        var result = store.Check("smoke", "t", ".md", "| a | b |\n| --- | --- |\n| 1 | 9 |\n| 3 | 4 |\n| 5 | 6 |\n");
        Assert.That(result.Status, Is.EqualTo(SnapshotStatus.Mismatch));
        Assert.That(result.Text!.Lines, Is.EqualTo(new[]
        {
            new LineDifference(true, 3, "| 1 | 2 |"),
            new LineDifference(false, 3, "| 1 | 9 |"),
            new LineDifference(false, 5, "| 5 | 6 |"),
        }));
        Assert.That(result.Describe(), Does.Contain("- 3: | 1 | 2 |\n+ 3: | 1 | 9 |\n+ 5: | 5 | 6 |"));
        Assert.That(File.Exists(Path.Combine(ProfileDir, "t.received.md")), Is.True);
    }

    [Test]
    public void Checking_a_directory_covers_produced_files_and_verified_files_no_longer_produced()
    {
        var store = new SnapshotStore(_root);
        var produced = Path.Combine(_root, "run");
        Directory.CreateDirectory(produced);
        CsvTable.Write(Path.Combine(produced, "table2.csv"), Map(0.43, 0.12));
        File.WriteAllText(Path.Combine(produced, "plot.svg"), "<svg/>");
        Directory.CreateDirectory(ProfileDir);
        File.WriteAllText(Path.Combine(ProfileDir, "table2.verified.csv"), CsvTable.ToCsv(Map(0.43, 0.12)));
        File.WriteAllText(Path.Combine(ProfileDir, "old.verified.csv"), "a\n1\n");

        var results = store.CheckDirectory("smoke", produced);
        Assert.That(results.Select(r => (r.FileName, r.Status)), Is.EqualTo(new[]
        {
            ("old.csv", SnapshotStatus.NotProduced),
            ("table2.csv", SnapshotStatus.Match),
        }));
        Assert.That(results[0].Describe(), Does.Contain("delete the verified file"));
    }

    [Test]
    public void Names_cannot_leave_the_profile_folder()
    {
        var store = new SnapshotStore(_root);
        Assert.That(() => store.Check("smoke", "../x", ".csv", "a\n1\n"), Throws.ArgumentException.With.Message.Contains("'../x'"));
        Assert.That(() => store.Check("../smoke", "x", ".csv", "a\n1\n"), Throws.ArgumentException.With.Message.Contains("'../smoke'"));
        Assert.That(() => store.Check("smoke", "x", ".json", "{}"), Throws.ArgumentException.With.Message.Contains(".json"));
    }

    [Test]
    public void A_malformed_verified_file_is_an_error_naming_it()
    {
        var store = new SnapshotStore(_root);
        Directory.CreateDirectory(ProfileDir);
        var verified = Path.Combine(ProfileDir, "table2.verified.csv");
        File.WriteAllText(verified, "model,test_set,mAP\nU-Real,real\n");
        Assert.That(() => store.Check("smoke", Map(0.43, 0.12)), Throws.InstanceOf<InvalidDataException>().With.Message.Contains(verified).And.Message.Contains("line 2"));
    }
}
