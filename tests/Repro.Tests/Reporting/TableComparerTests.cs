using Repro.Reporting.Snapshots;
using Repro.Reporting.Tables;

namespace Repro.Tests.Reporting;

[TestFixture]
public class TableComparerTests
{
    private const string Verified =
        "comparison,seed,mean_all,mean_head,note\n" +
        "real-vs-syn,0,0.500,0.200,a\n" +
        "real-vs-syn,1,0.480,0.210,a\n" +
        "real-vs-frozen,0,0.510,0.190,b\n" +
        "syn-vs-frozen,0,0.900,0.800,c\n";

    private static readonly TableTolerances Keyed = new(
        new[] { "comparison", "seed" },
        new Dictionary<string, Tolerance> { ["mean_all"] = new(0.02, 0), ["mean_head"] = new(0, 0.1) },
        Tolerance.Exact);

    private static TableComparison Compare(string obtained, string verified = Verified, TableTolerances? tolerances = null) =>
        TableComparer.Compare(CsvTable.Parse(obtained, "obtained"), CsvTable.Parse(verified, "verified"), tolerances ?? Keyed);

    [Test]
    public void Differences_within_tolerance_match()
    {
        var obtained =
            "comparison,seed,mean_all,mean_head,note\n" +
            "real-vs-syn,0,0.515,0.215,a\n" +      // +0.015 abs ≤ 0.02; +0.015 ≤ 10% of 0.2
            "real-vs-syn,1,0.465,0.195,a\n" +
            "real-vs-frozen,0,0.51,0.19,b\n" +      // same numbers written differently
            "syn-vs-frozen,0,0.9,0.8,c\n";
        var result = Compare(obtained);
        Assert.That(result.IsMatch, Is.True, SnapshotReport.Render(result));
    }

    [Test]
    public void Row_order_and_column_order_do_not_matter_when_rows_have_keys()
    {
        var obtained =
            "note,mean_head,mean_all,seed,comparison\n" +
            "c,0.800,0.900,0,syn-vs-frozen\n" +
            "b,0.190,0.510,0,real-vs-frozen\n" +
            "a,0.210,0.480,1,real-vs-syn\n" +
            "a,0.200,0.500,0,real-vs-syn\n";
        Assert.That(Compare(obtained).IsMatch, Is.True);
    }

    [Test]
    public void Changed_added_and_removed_rows_are_reported_and_nothing_else()
    {
        var obtained =
            "comparison,seed,mean_all,mean_head,note\n" +
            "real-vs-syn,0,0.530,0.200,a\n" +      // mean_all +0.03 > 0.02: changed
            "real-vs-syn,1,0.480,0.240,x\n" +      // mean_head +0.03 > 0.021, note a → x: changed twice
            "syn-vs-frozen,0,0.900,0.800,c\n" +    // unchanged
            "syn-vs-frozen,1,0.910,0.790,c\n";     // new
        var result = Compare(obtained);                // real-vs-frozen,0 removed

        Assert.That(result.IsMatch, Is.False);
        Assert.That(result.Changed.Select(r => string.Join("/", r.Key)), Is.EqualTo(new[] { "real-vs-syn/0", "real-vs-syn/1" }));
        var first = result.Changed[0].Cells.Single();
        Assert.That(first.Column, Is.EqualTo("mean_all"));
        Assert.That((first.Obtained, first.Expected), Is.EqualTo(("0.530", "0.500")));
        Assert.That(first.Difference, Is.EqualTo(0.03).Within(1e-12));
        Assert.That(result.Changed[1].Cells.Select(c => c.Column), Is.EqualTo(new[] { "mean_head", "note" }));
        Assert.That(result.Changed[1].Cells[1].Difference, Is.Null, "text cells have no numeric difference");
        Assert.That(result.Added.Single().Key, Is.EqualTo(new[] { "syn-vs-frozen", "1" }));
        Assert.That(result.Removed.Single().Key, Is.EqualTo(new[] { "real-vs-frozen", "0" }));
        Assert.That(result.ColumnsAdded, Is.Empty);
        Assert.That(result.ColumnsRemoved, Is.Empty);
    }

    [Test]
    public void The_rendered_table_shows_keys_then_obtained_expected_difference_for_differing_rows_only()
    {
        var obtained =
            "comparison,seed,mean_all,mean_head,note\n" +
            "real-vs-syn,0,0.530,0.200,a\n" +
            "real-vs-syn,1,0.480,0.210,a\n" +
            "real-vs-frozen,0,0.510,0.190,b\n" +
            "syn-vs-frozen,0,0.900,0.800,c\n";
        var text = SnapshotReport.Render(Compare(obtained));
        var expected =
            "Changed rows (1):\n\n" +
            "| comparison | seed | mean_all obtained | mean_all expected | mean_all difference (abs 0.02) |\n" +
            "| --- | --- | ---: | ---: | ---: |\n" +
            "| real-vs-syn | 0 | 0.530 | 0.500 | +0.03 |\n\n";
        Assert.That(text, Is.EqualTo(expected));
    }

    [Test]
    public void Added_and_removed_rows_are_rendered_in_full()
    {
        var obtained =
            "comparison,seed,mean_all,mean_head,note\n" +
            "real-vs-syn,0,0.500,0.200,a\n" +
            "real-vs-syn,1,0.480,0.210,a\n" +
            "syn-vs-frozen,0,0.900,0.800,c\n" +
            "syn-vs-frozen,1,0.910,0.790,c\n";
        var text = SnapshotReport.Render(Compare(obtained));
        Assert.That(text, Does.Contain("Rows added (1, not in the verified file):"));
        Assert.That(text, Does.Contain("| syn-vs-frozen | 1 | 0.910 | 0.790 | c |"));
        Assert.That(text, Does.Contain("Rows removed (1, in the verified file only):"));
        Assert.That(text, Does.Contain("| real-vs-frozen | 0 | 0.510 | 0.190 | b |"));
        Assert.That(text, Does.Not.Contain("real-vs-syn"), "unchanged rows are not shown");
    }

    [Test]
    public void Columns_added_or_removed_are_reported()
    {
        var obtained =
            "comparison,seed,mean_all,note,mean_backbone\n" +
            "real-vs-syn,0,0.500,a,0.7\n" +
            "real-vs-syn,1,0.480,a,0.7\n" +
            "real-vs-frozen,0,0.510,b,0.7\n" +
            "syn-vs-frozen,0,0.900,c,0.9\n";
        var result = Compare(obtained);
        Assert.That(result.ColumnsAdded, Is.EqualTo(new[] { "mean_backbone" }));
        Assert.That(result.ColumnsRemoved, Is.EqualTo(new[] { "mean_head" }));
        Assert.That(result.Changed, Is.Empty, "the common columns are equal");
        Assert.That(SnapshotReport.Render(result), Does.Contain("Columns added: mean_backbone").And.Contain("Columns removed: mean_head"));
    }

    [Test]
    public void Without_keys_rows_are_matched_by_position()
    {
        var verified = "x,y\n1,2\n3,4\n";
        var result = Compare("x,y\n1,2\n3,5\n6,7\n", verified, TableTolerances.ExactByPosition);
        Assert.That(result.KeyColumns, Is.EqualTo(new[] { "row" }));
        Assert.That(result.Changed.Single().Key, Is.EqualTo(new[] { "2" }));
        Assert.That(result.Added.Single().Key, Is.EqualTo(new[] { "3" }));
        Assert.That(result.Removed, Is.Empty);
    }

    [Test]
    public void Key_problems_are_errors_naming_the_file_and_line()
    {
        var duplicate = "comparison,seed,mean_all,mean_head,note\nreal-vs-syn,0,0.5,0.2,a\nreal-vs-syn,0,0.5,0.2,a\n";
        Assert.That(() => Compare(duplicate), Throws.InstanceOf<InvalidDataException>()
            .With.Message.Contains("obtained, line 3").And.Message.Contains("comparison=real-vs-syn, seed=0").And.Message.Contains("line 2"));
        var missingKey = "comparison,mean_all,mean_head,note\nreal-vs-syn,0.5,0.2,a\n";
        Assert.That(() => Compare(missingKey), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("key column 'seed'"));
        var unknownColumn = Keyed with { Columns = new Dictionary<string, Tolerance> { ["mean_al"] = new(0.1, 0) } };
        Assert.That(() => Compare(Verified, Verified, unknownColumn), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("'mean_al'"));
    }
}
