using Repro.Reporting.Tables;
using Repro.Statistics;

namespace Repro.Reporting.Snapshots.Calibration;

/// <summary>
/// Measures a table compared as seed means (<c>"meanOver"</c>) for the statistical rule: every run's table is
/// grouped as the check groups it, and per group and numeric column the runs' means give the row's sd, moderated
/// with the column's other rows (<see cref="StatisticalRule"/>), and its tolerance. Groups must be the same in every run, with the same number of rows (else an error naming the group
/// and run: the runs would not be comparable). A column is numeric where a group's cells are finite numbers in every
/// run; any other cell is compared between the runs' group rows as text, and a difference is a disagreement.
/// </summary>
internal static class SeedMeanSpreadMeasurement
{
    public static TableSpread Measure(string name, IReadOnlyList<CalibrationRun> runs, IReadOnlyList<CsvText> tables, TableTolerances declared, StatisticalRule rule)
    {
        RefuseRepeatedRuns(name, runs, tables);
        var keys = declared.GroupKeys;
        var grouped = tables.Select(t => GroupMeans.Groups(t, declared).ToDictionary(g => Text(g.Key), StringComparer.Ordinal)).ToList();
        var reduced = tables.Select(t => GroupMeans.Reduce(t, declared)).ToList(); // text differing within a group is an error here
        var order = GroupMeans.Groups(tables[0], declared).Select(g => Text(g.Key)).ToList();
        for (var i = 1; i < runs.Count; i++)
        {
            var missing = order.FirstOrDefault(k => !grouped[i].ContainsKey(k)) ?? grouped[i].Keys.FirstOrDefault(k => !grouped[0].ContainsKey(k));
            if (missing is not null)
                throw new InvalidDataException($"table '{name}': group ({Describe(keys, missing)}) is in only one of runs '{runs[0].Name}' and '{runs[i].Name}'");
            var uneven = order.FirstOrDefault(k => grouped[i][k].Rows.Count != grouped[0][k].Rows.Count);
            if (uneven is not null)
                throw new InvalidDataException($"table '{name}': group ({Describe(keys, uneven)}) averages {grouped[0][uneven].Rows.Count} rows in run '{runs[0].Name}' and {grouped[i][uneven].Rows.Count} in run '{runs[i].Name}'");
        }

        var columns = tables[0].Header.Where(c => !declared.Keys.Contains(c)).ToList();
        var values = new Dictionary<(string Group, string Column), IReadOnlyList<IReadOnlyList<double>>>();
        foreach (var column in columns)
        {
            var positions = tables.Select(t => t.Header.ToList().IndexOf(column)).ToArray();
            foreach (var group in order)
            {
                var cells = grouped.Select((g, i) => g[group].Rows.Select(r => r.Cells[positions[i]]).ToList()).ToList();
                var numbers = cells.Select(run => run.Select(c => TableComparer.TryNumber(c, out var v) && double.IsFinite(v) ? v : (double?)null).ToList()).ToList();
                if (numbers.All(run => run.All(v => v is not null)))
                    values[(group, column)] = numbers.Select(run => (IReadOnlyList<double>)run.Select(v => v!.Value).ToList()).ToList();
            }
        }
        var numeric = columns.Where(c => order.Any(g => values.ContainsKey((g, c)))).ToList();
        var checks = order.Count * numeric.Count;

        var rows = new List<RowSpread>();
        var priors = new Dictionary<string, VariancePrior>();
        var df = runs.Count - 1;
        // A table averaged over seeds is checked against the mean of these runs (written as its verified reference);
        // the claims, one value a row, against one recorded run.
        int? referenceRuns = declared.MeanOver.Count > 0 ? runs.Count : null;
        foreach (var column in numeric)
        {
            var groups = order.Where(g => values.ContainsKey((g, column))).ToList();
            var means = values.Where(v => v.Key.Column == column).SelectMany(v => v.Value.Select(run => run.Average())).ToList();
            var range = means.Max() - means.Min();
            var spreads = groups.ToDictionary(g => g, g => StatisticalRule.Spread(values[(g, column)]));
            // Every row's variance on R − 1 degrees of freedom, the exact ones (every run the same) left out.
            var prior = priors[column] = VariancePrior.Estimate(groups.Where(g => !SameInEveryRun(values[(g, column)])).Select(g => Square(spreads[g].RunMeansSd)), df);
            var total = prior.TotalDf(df);
            var quantile = rule.Quantile(checks, total);
            foreach (var group in groups)
            {
                var runValues = values[(group, column)];
                var (runMeansSd, valuesSd) = spreads[group];
                var max = declared.MaxTolerance.TryGetValue(column, out var m) ? m : (double?)null;
                var key = new RowKey(keys, Split(group));
                var runMeans = runValues.Select(v => v.Average()).ToList();
                if (SameInEveryRun(runValues))
                {
                    rows.Add(new RowSpread(key, column, runMeans, runValues[0].Count, 0, 0, 0, rule.Deterministic, range, max) { Deterministic = true });
                    continue;
                }
                // Without a prior (fewer than three rows vary) a row whose runs happened to agree would get a tolerance of
                // nothing: the seeds' spread within the runs (too small, they share a backbone, but not nothing) bounds it.
                var sd = prior.Df == 0 ? Math.Max(runMeansSd, valuesSd) : Math.Sqrt(prior.Moderate(Square(runMeansSd), df));
                rows.Add(new RowSpread(key, column, runMeans, runValues[0].Count, runMeansSd, valuesSd, sd, rule.For(sd, quantile, referenceRuns), range, max)
                    { Df = total, Quantile = quantile });
            }
        }

        // Cells that are not numbers in every run (and the averaged-row counts) are compared as the check compares them: as text, after averaging.
        var disagreements = new List<CellDisagreement>();
        var differing = new int[runs.Count];
        var indexed = reduced.Select(t => t.Rows.ToDictionary(r => Text(r.Cells.Take(keys.Count).ToList()), StringComparer.Ordinal)).ToList();
        foreach (var column in reduced[0].Header.Skip(keys.Count))
        {
            var positions = reduced.Select(t => t.Header.ToList().IndexOf(column)).ToArray();
            foreach (var group in order)
            {
                var cells = indexed.Select((t, i) => t[group].Cells[positions[i]]).ToArray();
                for (var i = 1; i < cells.Length; i++) if (cells[i] != cells[0]) differing[i]++;
                if (!values.ContainsKey((group, column)) && cells.Distinct(StringComparer.Ordinal).Count() > 1)
                    disagreements.Add(new CellDisagreement(column, new RowKey(keys, Split(group)), cells));
            }
        }
        return new TableSpread(name, declared.Keys, order.Count, [], disagreements, differing)
        {
            Declared = declared,
            RowSpreads = rows,
            Checks = checks,
            Priors = priors,
            Reference = referenceRuns is null ? null : ReferenceTable.Of(name, keys.Count, reduced),
            ReferenceRuns = referenceRuns,
        };
    }

    /// <summary>
    /// Two runs whose table is the same to the last digit while another run's differs are one draw of training, not
    /// two: the same build on two machines of one kind (an AVX-512 EPYC reproduces another's bytes), or one run's
    /// folder taken twice. Counted twice, it would shrink the sd and inflate the degrees of freedom, and the tolerance
    /// with them. A table the same in every run does not depend on training and is not refused.
    /// </summary>
    private static void RefuseRepeatedRuns(string name, IReadOnlyList<CalibrationRun> runs, IReadOnlyList<CsvText> tables)
    {
        var contents = tables.Select(Content).ToList();
        if (contents.Distinct(StringComparer.Ordinal).Count() == 1) return;
        for (var i = 0; i < runs.Count; i++)
        for (var j = i + 1; j < runs.Count; j++)
            if (string.Equals(contents[i], contents[j], StringComparison.Ordinal))
                throw new InvalidDataException($"table '{name}': runs '{runs[i].Name}' and '{runs[j].Name}' gave the same table to the last digit while other runs differ: "
                                               + "they are one draw of training, not two (the same run, or the same build on the same kind of machine); calibrate with one of them");
    }

    private static string Content(CsvText table) =>
        string.Join('\u001e', table.Rows.Select(r => string.Join('\u001f', r.Cells)).Prepend(string.Join('\u001f', table.Header)));

    /// <summary>Every run gave exactly the same values: the cell does not depend on training.</summary>
    private static bool SameInEveryRun(IReadOnlyList<IReadOnlyList<double>> runs) => runs.Skip(1).All(r => r.SequenceEqual(runs[0]));

    private static double Square(double x) => x * x;

    private static string Text(IReadOnlyList<string> key) => string.Join('\u001f', key);

    private static IReadOnlyList<string> Split(string key) => key.Split('\u001f');

    private static string Describe(IReadOnlyList<string> keys, string key) => GroupMeans.Describe(keys, Split(key));
}
