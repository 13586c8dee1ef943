using System.Globalization;
using Repro.Reporting.Tables;

namespace Repro.Experiments.Stages;

/// <summary>
/// Each class's AP averaged over the study's six cells (three models × two test sets), per seed: the per-class analogue
/// of mAP. A bug that costs one class everywhere (its labels lost in training, a label map sending it elsewhere) moves
/// mAP by a fifth of that class's loss and each per-class cell by a chaotic amount, but this mean by all of it, and
/// averaging six cells leaves it a third of a single cell's seed-to-seed noise (ci: sd 0.007–0.02 between reruns).
/// </summary>
internal static class ClassApTable
{
    public const string Name = "table2-ap-by-class";

    /// <summary>From evaluate's ap-per-class.csv (model, seed, test_set, class, ap); a cell without AP (no ground truth) is left out.</summary>
    public static ResultTable Of(IEnumerable<Dictionary<string, string>> perClass)
    {
        var table = new ResultTable(Name, "class", "seed", "ap", "cells");
        foreach (var g in perClass.GroupBy(r => (Class: r["class"], Seed: int.Parse(r["seed"], CultureInfo.InvariantCulture))))
        {
            var aps = g.Select(r => StudyResultsReader.Num(r["ap"])).Where(double.IsFinite).ToList();
            table.AddRow(g.Key.Class, g.Key.Seed, aps.Count > 0 ? aps.Average() : double.NaN, aps.Count);
        }
        return table;
    }
}
