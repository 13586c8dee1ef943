using System.Globalization;
using Repro.Reporting.Tables;

namespace Repro.Tests.Reporting;

[TestFixture]
[NonParallelizable] // one test changes the current culture
public class TableWriterTests
{
    private static ResultTable Table5() =>
        new ResultTable("table5", new[] { new TableColumn("comparison"), new TableColumn("seed"), new TableColumn("mean_all", "F3"), new TableColumn("ok") })
            .AddRow("U-Real vs U-Synthetic", 0, 0.456789, true)
            .AddRow("U-Real vs F-Synthetic", 1, 0.1, false)
            .AddRow("a|b", 0, null, null);

    [Test]
    public void Markdown_is_a_pipe_table_with_formatted_numbers_right_aligned_and_pipes_escaped()
    {
        var expected =
            "| comparison | seed | mean_all | ok |\n" +
            "| --- | ---: | ---: | --- |\n" +
            "| U-Real vs U-Synthetic | 0 | 0.457 | true |\n" +
            "| U-Real vs F-Synthetic | 1 | 0.100 | false |\n" +
            "| a\\|b | 0 |  |  |\n";
        Assert.That(MarkdownTable.Render(Table5()), Is.EqualTo(expected));
    }

    [Test]
    public void Markdown_keeps_line_breaks_inside_a_cell()
    {
        var table = new ResultTable("t", "note").AddRow("two\nlines");
        Assert.That(MarkdownTable.Render(table), Does.Contain("| two<br>lines |"));
    }

    [Test]
    public void Csv_keeps_full_precision_quotes_when_needed_and_uses_invariant_culture()
    {
        var csv = CsvTable.ToCsv(Table5());
        var expected =
            "comparison,seed,mean_all,ok\n" +
            "U-Real vs U-Synthetic,0,0.456789,true\n" +
            "U-Real vs F-Synthetic,1,0.1,false\n" +
            "a|b,0,,\n";
        Assert.That(csv, Is.EqualTo(expected));

        var quoted = CsvTable.ToCsv(new ResultTable("q", "text", "x").AddRow("a, \"b\"", -0.5));
        Assert.That(quoted, Is.EqualTo("text,x\n\"a, \"\"b\"\"\",-0.5\n"));
    }

    [Test]
    public void Csv_round_trips_every_double_exactly()
    {
        var random = new Random(7);
        var values = Enumerable.Range(0, 200).Select(_ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-12, 12)))
            .Concat(new[] { 0.1 + 0.2, double.Epsilon, double.MaxValue, -0.0, double.NaN, double.PositiveInfinity }).ToArray();
        var table = new ResultTable("values", "i", "v");
        for (var i = 0; i < values.Length; i++) table.AddRow(i, values[i]);

        var read = CsvTable.Parse(CsvTable.ToCsv(table), "values");
        Assert.That(read.Header, Is.EqualTo(new[] { "i", "v" }));
        Assert.That(read.Rows, Has.Count.EqualTo(values.Length));
        for (var i = 0; i < values.Length; i++)
            Assert.That(double.Parse(read.Rows[i].Cells[1], CultureInfo.InvariantCulture), Is.EqualTo(values[i]), $"row {i}");
    }

    [Test]
    public void Output_does_not_depend_on_the_current_culture()
    {
        var invariantCsv = CsvTable.ToCsv(Table5());
        var invariantMd = MarkdownTable.Render(Table5());
        var previous = CultureInfo.CurrentCulture;
        try
        {
            var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            comma.NumberFormat.NumberGroupSeparator = ".";
            CultureInfo.CurrentCulture = comma;
            Assert.That((0.5).ToString(), Is.EqualTo("0,5"), "the test culture must really differ");
            Assert.That(CsvTable.ToCsv(Table5()), Is.EqualTo(invariantCsv));
            Assert.That(MarkdownTable.Render(Table5()), Is.EqualTo(invariantMd));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Test]
    public void Csv_write_is_atomic_and_byte_identical_across_runs()
    {
        var dir = Directory.CreateTempSubdirectory("repro-tables-").FullName;
        try
        {
            var a = Path.Combine(dir, "a.csv");
            var b = Path.Combine(dir, "b.csv");
            CsvTable.Write(a, Table5());
            CsvTable.Write(b, Table5());
            Assert.That(File.ReadAllBytes(a), Is.EqualTo(File.ReadAllBytes(b)));
            Assert.That(File.ReadAllBytes(a)[0], Is.EqualTo((byte)'c'), "no byte-order mark");
            Assert.That(Directory.GetFiles(dir), Has.Length.EqualTo(2), "no temporary files left behind");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Bad_rows_and_bad_csv_are_errors_naming_the_table_and_the_line()
    {
        var t = new ResultTable("t", "a", "b");
        Assert.That(() => t.AddRow(1), Throws.ArgumentException.With.Message.Contains("'t'").And.Message.Contains("row 1"));
        Assert.That(() => t.AddRow(1, new object()), Throws.ArgumentException.With.Message.Contains("column 'b'"));
        Assert.That(() => new ResultTable("t", "a", "a"), Throws.ArgumentException.With.Message.Contains("two columns named 'a'"));

        Assert.That(() => CsvTable.Parse("a,b\n1,2\n3\n", "x.csv"),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("x.csv").And.Message.Contains("line 3"));
        Assert.That(() => CsvTable.Parse("a,a\n1,2\n", "x.csv"), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("'a' appears twice"));
        Assert.That(() => CsvTable.Parse("", "x.csv"), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("x.csv"));
    }
}
