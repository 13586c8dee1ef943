using Repro.Reporting.Snapshots;
using Repro.Reporting.Tables;

namespace Repro.Tests.Reporting;

/// <summary>
/// Tables compared as seed means ("meanOver"), and rows with tolerances of their own ("rows"): crafted tables whose
/// means and differences are worked out by hand in the comments.
/// </summary>
[TestFixture]
public class SeedMeanComparisonTests
{
    private const string Map =
        "model,seed,test_set,map\n" +
        "U-Real,0,real,0.50\n" +
        "U-Real,1,real,0.56\n" +
        "U-Real,2,real,0.59\n" +      // mean 0.55
        "U-Synthetic,0,real,0.30\n" +
        "U-Synthetic,1,real,0.34\n" +
        "U-Synthetic,2,real,0.26\n";  // mean 0.30

    private static TableTolerances Tolerances(string entry) => ToleranceFile.Parse($$"""{ "t": {{entry}} }""", "tolerances.json").For("t");

    private static readonly TableTolerances BySeedMean = Tolerances("""{ "keys": ["model", "seed", "test_set"], "meanOver": ["seed"], "columns": { "map": { "absolute": 0.02 } } }""");

    private static TableComparison Compare(string obtained, string verified, TableTolerances tolerances) =>
        TableComparer.Compare(CsvTable.Parse(obtained, "obtained"), CsvTable.Parse(verified, "verified"), tolerances);

    [Test]
    public void Rows_are_reduced_to_one_row_per_group_with_each_numeric_column_averaged()
    {
        var reduced = GroupMeans.Reduce(CsvTable.Parse(Map, "map"), BySeedMean);
        Assert.That(reduced.Header, Is.EqualTo(new[] { "model", "test_set", "map", GroupMeans.CountColumn }));
        Assert.That(reduced.Rows, Has.Count.EqualTo(2));
        Assert.That(reduced.Rows[0].Cells.Take(2), Is.EqualTo(new[] { "U-Real", "real" }));
        Assert.That(double.Parse(reduced.Rows[0].Cells[2], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(0.55).Within(1e-12));
        Assert.That(double.Parse(reduced.Rows[1].Cells[2], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(0.30).Within(1e-12));
        Assert.That(reduced.Rows.Select(r => r.Cells[3]), Is.EqualTo(new[] { "3", "3" }));
    }

    [Test]
    public void Seeds_that_move_apart_but_keep_their_mean_match_and_a_moved_mean_fails()
    {
        // Every seed of U-Real moves by 0.04–0.06, far beyond 0.02, but the mean stays 0.55 (0.55+0.01: inside).
        var shuffled = Map.Replace("U-Real,0,real,0.50", "U-Real,0,real,0.56").Replace("U-Real,1,real,0.56", "U-Real,1,real,0.50").Replace("U-Real,2,real,0.59", "U-Real,2,real,0.62");
        var inside = Compare(shuffled, Map, BySeedMean);
        Assert.That(inside.IsMatch, Is.True, SnapshotReport.Render(inside));   // mean (0.56+0.50+0.62)/3 = 0.56: +0.01

        var moved = Map.Replace("U-Synthetic,0,real,0.30", "U-Synthetic,0,real,0.39");   // mean 0.33: +0.03 > 0.02
        var result = Compare(moved, Map, BySeedMean);
        Assert.That(result.IsMatch, Is.False);
        Assert.That(result.Changed.Single().Key, Is.EqualTo(new[] { "U-Synthetic", "real" }));
        Assert.That(result.Changed.Single().Cells.Single().Difference, Is.EqualTo(0.03).Within(1e-12));
    }

    private const string Cka =
        "model_a,seed_a,model_b,seed_b,part,mean,kind\n" +
        "U-Real,0,U-Synthetic,0,all,0.60,cka\n" +
        "U-Real,1,U-Synthetic,1,all,0.70,cka\n" +   // same: 0.65
        "U-Real,0,U-Synthetic,1,all,0.40,cka\n" +
        "U-Real,1,U-Synthetic,0,all,0.44,cka\n";    // across: 0.42

    private static readonly TableTolerances BySeedPair = Tolerances(
        """{ "keys": ["model_a", "seed_a", "model_b", "seed_b", "part"], "meanOver": ["seed_a", "seed_b"], "columns": { "mean": { "absolute": 0.01 } } }""");

    [Test]
    public void Same_seed_and_cross_seed_rows_form_separate_groups_named_by_the_seeds_key()
    {
        Assert.That(BySeedPair.GroupKeys, Is.EqualTo(new[] { "model_a", "model_b", "part", GroupMeans.SeedsColumn }));
        var reduced = GroupMeans.Reduce(CsvTable.Parse(Cka, "cka"), BySeedPair);
        Assert.That(reduced.Rows.Select(r => r.Cells[3]), Is.EqualTo(new[] { GroupMeans.Same, GroupMeans.Across }));
        Assert.That(reduced.Rows.Select(r => double.Parse(r.Cells[4], System.Globalization.CultureInfo.InvariantCulture)),
            Is.EqualTo(new[] { 0.65, 0.42 }).Within(1e-12));
        Assert.That(reduced.Rows.Select(r => r.Cells[5]), Is.EqualTo(new[] { "cka", "cka" }));   // text identical within a group: kept

        var moved = Cka.Replace("U-Real,1,U-Synthetic,0,all,0.44", "U-Real,1,U-Synthetic,0,all,0.48");   // across: 0.44, +0.02
        var result = Compare(moved, Cka, BySeedPair);
        Assert.That(result.Changed.Single().Key, Is.EqualTo(new[] { "U-Real", "U-Synthetic", "all", GroupMeans.Across }));
        Assert.That(SnapshotReport.Render(result), Does.Contain("| across |"));
    }

    [Test]
    public void A_text_column_that_differs_within_a_group_is_an_error_naming_the_table_and_group()
    {
        var mixed = Cka.Replace("U-Real,1,U-Synthetic,1,all,0.70,cka", "U-Real,1,U-Synthetic,1,all,0.70,linear");
        var e = Assert.Throws<InvalidDataException>(() => GroupMeans.Reduce(CsvTable.Parse(mixed, "table5.csv"), BySeedPair));
        Assert.That(e!.Message, Does.Contain("table5.csv").And.Contain("'kind'").And.Contain("seeds=same").And.Contain("model_a=U-Real"));
    }

    [Test]
    public void A_missing_seed_on_one_side_fails_naming_the_group_even_when_the_mean_is_unchanged()
    {
        // Dropping seed 1 of U-Real (0.56) leaves the mean of 0.50 and 0.59 at 0.545: inside 0.02, yet a missing seed is a change.
        var missing = string.Join("\n", Map.Split('\n').Where(l => l != "U-Real,1,real,0.56"));
        var result = Compare(missing, Map, BySeedMean);
        Assert.That(result.IsMatch, Is.False);
        var row = result.Changed.Single();
        Assert.That(row.Key, Is.EqualTo(new[] { "U-Real", "real" }));
        Assert.That(row.Cells.Single().Column, Is.EqualTo(GroupMeans.CountColumn));
        Assert.That((row.Cells.Single().Obtained, row.Cells.Single().Expected), Is.EqualTo(("2", "3")));
    }

    [Test]
    public void A_rows_own_tolerance_overrides_its_columns()
    {
        var tolerances = Tolerances("""
            { "keys": ["model", "seed", "test_set"], "meanOver": ["seed"], "columns": { "map": { "absolute": 0.02 } },
              "rows": { "test_set=real,model=U-Synthetic": { "map": { "absolute": 0.05 } } } }
            """);
        // Both means move by +0.03: beyond the column's 0.02, inside U-Synthetic's own 0.05.
        var moved = Map.Replace("U-Real,0,real,0.50", "U-Real,0,real,0.59").Replace("U-Synthetic,0,real,0.30", "U-Synthetic,0,real,0.39");
        var result = Compare(moved, Map, tolerances);
        Assert.That(result.Changed.Select(r => r.Key[0]), Is.EqualTo(new[] { "U-Real" }));

        var tighter = Tolerances("""
            { "keys": ["model", "seed", "test_set"], "meanOver": ["seed"], "columns": { "map": { "absolute": 0.05 } },
              "rows": { "model=U-Real,test_set=real": { "map": { "absolute": 0.02 } } } }
            """);
        var both = Compare(moved, Map, tighter);
        Assert.That(both.Changed.Select(r => r.Key[0]), Is.EqualTo(new[] { "U-Real" }));
        var withBothFailing = Compare(moved.Replace("U-Synthetic,1,real,0.34", "U-Synthetic,1,real,0.43"), Map, tighter);   // U-Synthetic +0.06
        Assert.That(SnapshotReport.Render(withBothFailing), Does.Contain("map tolerance").And.Contain("abs 0.02").And.Contain("abs 0.05"));
    }

    [Test]
    public void A_row_in_rows_that_matches_no_row_is_an_error_naming_it()
    {
        var misspelt = Tolerances("""
            { "keys": ["model", "seed", "test_set"], "meanOver": ["seed"], "rows": { "model=U-Rael,test_set=real": { "map": { "absolute": 0.5 } } } }
            """);
        var e = Assert.Throws<InvalidDataException>(() => Compare(Map, Map, misspelt));
        Assert.That(e!.Message, Does.Contain("model=U-Rael,test_set=real"));
    }

    [TestCase("""{ "keys": ["model", "seed"], "meanOver": ["seed"], "rows": { "model=U-Real,seed=0": { "map": { "absolute": 0.5 } } } }""", "row 'model=U-Real,seed=0'",
        TestName = "a row naming an averaged key")]
    [TestCase("""{ "keys": ["model", "seed"], "meanOver": ["seed"], "rows": { "model=U-Real": { "map": { "absolut": 0.5 } } } }""", "'absolut'",
        TestName = "an unknown property of a row's tolerance")]
    [TestCase("""{ "keys": ["model", "seed"], "meanOver": ["sed"] }""", "'sed'", TestName = "meanOver naming a column that is not a key")]
    [TestCase("""{ "keys": ["model", "seed"], "meanOver": ["seed"], "meanover": ["seed"] }""", "'meanover'", TestName = "an unknown property")]
    [TestCase("""{ "keys": ["model", "seed"], "maxTolerance": { "map": -1 } }""", "'maxTolerance' of 'map'", TestName = "a negative maxTolerance")]
    public void The_new_properties_are_read_strictly(string entry, string named)
    {
        var e = Assert.Throws<InvalidDataException>(() => Tolerances(entry));
        Assert.That(e!.Message, Does.Contain("tolerances.json").And.Contain("'t'").And.Contain(named));
    }
}
