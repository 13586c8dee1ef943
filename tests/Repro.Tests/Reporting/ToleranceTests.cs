using Repro.Reporting.Snapshots;

namespace Repro.Tests.Reporting;

[TestFixture]
public class ToleranceTests
{
    [TestCase(0.50, 0.52, 0.03, 0, true, TestName = "absolute: inside")]
    [TestCase(0.50, 0.54, 0.03, 0, false, TestName = "absolute: outside")]
    [TestCase(0.50, 0.46, 0.03, 0, false, TestName = "absolute: outside below")]
    [TestCase(100.0, 104.0, 0, 0.05, true, TestName = "relative: inside (5% of expected 100)")]
    [TestCase(100.0, 106.0, 0, 0.05, false, TestName = "relative: outside")]
    [TestCase(0.001, 0.0011, 0, 0.05, false, TestName = "relative: small numbers are held to their own scale")]
    [TestCase(10.0, 10.7, 0.5, 0.01, false, TestName = "both: outside 0.5 + 0.1")]
    [TestCase(10.0, 10.55, 0.5, 0.01, true, TestName = "both: inside 0.5 + 0.1")]
    [TestCase(0.3, 0.3000000000000001, 0, 0, false, TestName = "exact: one ulp is a difference")]
    [TestCase(0.3, 0.3, 0, 0, true, TestName = "exact: equal")]
    public void Allows_follows_isclose(double expected, double obtained, double absolute, double relative, bool allowed)
    {
        Assert.That(new Tolerance(absolute, relative).Allows(obtained, expected), Is.EqualTo(allowed));
    }

    [Test]
    public void Relative_tolerance_scales_with_the_expected_value_not_the_obtained_one()
    {
        var t = new Tolerance(0, 0.1);
        Assert.That(t.Allows(obtained: 1.09, expected: 1.0), Is.True);  // 0.09 ≤ 0.1·1.0
        Assert.That(t.Allows(obtained: 1.0, expected: 1.11), Is.True);  // 0.11 ≤ 0.111
        Assert.That(t.Allows(obtained: 1.0, expected: 0.905), Is.False); // 0.095 > 0.0905
    }

    [Test]
    public void Nan_matches_only_nan_and_infinity_only_the_same_infinity()
    {
        var loose = new Tolerance(1e9, 1);
        Assert.That(loose.Allows(double.NaN, double.NaN), Is.True);
        Assert.That(loose.Allows(double.NaN, 0), Is.False);
        Assert.That(loose.Allows(0, double.NaN), Is.False);
        Assert.That(loose.Allows(double.PositiveInfinity, double.PositiveInfinity), Is.True);
        Assert.That(loose.Allows(double.PositiveInfinity, 1e300), Is.False);
        Assert.That(loose.Allows(double.NegativeInfinity, double.PositiveInfinity), Is.False);
    }

    [Test]
    public void Tolerance_file_reads_keys_columns_and_default()
    {
        var file = ToleranceFile.Parse("""
            {
              // comments are allowed: say why a tolerance is what it is
              "$comment": "ignored",
              "table5": {
                "keys": ["comparison", "seed"],
                "columns": { "mean_all": { "absolute": 0.02 }, "mean_head": { "relative": 0.05, "absolute": 0.001 } },
                "default": { "absolute": 1e-9 }
              }
            }
            """, "tolerances.json");
        var t = file.For("table5");
        Assert.That(t.Keys, Is.EqualTo(new[] { "comparison", "seed" }));
        Assert.That(t.For("mean_all"), Is.EqualTo(new Tolerance(0.02, 0)));
        Assert.That(t.For("mean_head"), Is.EqualTo(new Tolerance(0.001, 0.05)));
        Assert.That(t.For("other"), Is.EqualTo(new Tolerance(1e-9, 0)));
        Assert.That(file.For("undeclared"), Is.EqualTo(TableTolerances.ExactByPosition));
    }

    [TestCase("""{ "t": { "kyes": ["a"] } }""", "unknown property 'kyes'")]
    [TestCase("""{ "t": { "columns": { "x": { "absolute": -1 } } } }""", "column 'x', 'absolute': must be a finite number ≥ 0")]
    [TestCase("""{ "t": { "columns": { "x": { "abs": 0.1 } } } }""", "unknown property 'abs'")]
    [TestCase("""{ "t": { "keys": ["x"], "columns": { "x": { "absolute": 0.1 } } } }""", "column 'x' is a key")]
    [TestCase("""{ "t": { "keys": "x" } }""", "'keys' must be an array")]
    [TestCase("""{ "t": { "keys": [ "x", ] """, "not valid JSON")]
    public void Tolerance_file_errors_name_the_file_and_the_entry(string json, string message)
    {
        Assert.That(() => ToleranceFile.Parse(json, "expected-results/smoke/tolerances.json"),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("expected-results/smoke/tolerances.json").And.Message.Contains(message));
    }
}
