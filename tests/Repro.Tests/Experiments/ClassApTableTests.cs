using Repro.Experiments.Stages;

namespace Repro.Tests.Experiments;

public class ClassApTableTests
{
    private static Dictionary<string, string> Row(string model, int seed, string testSet, string cls, string ap) =>
        new() { ["model"] = model, ["seed"] = seed.ToString(), ["test_set"] = testSet, ["class"] = cls, ["ap"] = ap };

    [Test]
    public void Each_class_and_seed_is_the_mean_of_its_cells_with_AP_and_counts_them()
    {
        var table = ClassApTable.Of(
        [
            Row("U-Real", 0, "real", "car", "0.8"), Row("U-Real", 0, "synthetic", "car", "0.5"),
            Row("U-Real", 0, "real", "cycle", "0.2"), Row("U-Real", 0, "synthetic", "cycle", ""), // no ground truth: left out
            Row("U-Real", 1, "real", "car", "0.6"), Row("U-Real", 1, "synthetic", "car", "0.3"),
            Row("U-Real", 1, "real", "cycle", "NaN"), Row("U-Real", 1, "synthetic", "cycle", "NaN"),
        ]);
        var rows = table.Rows.Select(r => ((string)r[0]!, (int)r[1]!, (double)r[2]!, (int)r[3]!)).ToList();
        Assert.That(rows[0], Is.EqualTo(("car", 0, 0.65, 2)).Using<(string, int, double, int)>((a, b) =>
            a.Item1 == b.Item1 && a.Item2 == b.Item2 && Math.Abs(a.Item3 - b.Item3) < 1e-15 && a.Item4 == b.Item4));
        Assert.That(rows[1], Is.EqualTo(("cycle", 0, 0.2, 1)));
        Assert.That(rows[2].Item3, Is.EqualTo(0.45).Within(1e-15));
        Assert.That(rows[3].Item3, Is.NaN, "a class with AP in no cell has none");
        Assert.That(rows[3].Item4, Is.Zero);
    }
}
