using System.Globalization;
using Repro.Reporting.Tables;

namespace Repro.Reporting.Snapshots.Calibration;

/// <summary>
/// Measures, table by table and column by column, how far apart the calibration runs put the same result table.
/// Rows are matched as the snapshot check matches them (the keys declared in tolerances.json, else position), so a
/// tolerance is measured on exactly the pairs of cells it will later judge. A cell that is a finite number in every
/// run adds its range (largest − smallest) to its column's spread; any other cell must read the same in every run,
/// or it is recorded as a disagreement. A column is numeric when at least one row is numeric in every run. A table
/// or row that one run lacks is an error naming it: the runs would not be comparable.
/// </summary>
internal static class SpreadMeasurement
{
    public static IReadOnlyList<TableSpread> Measure(IReadOnlyList<CalibrationRun> runs, ToleranceFile declared, ToleranceRule rule) =>
        Measure(runs, declared, rule, StatisticalRule.Default, null);

    /// <summary>
    /// Tables whose entry declares <c>meanOver</c> are measured as seed means for the statistical rule, the others
    /// with <paramref name="rule"/>. <paramref name="only"/> restricts the calibration to those tables (null: every
    /// table the runs produced).
    /// </summary>
    public static IReadOnlyList<TableSpread> Measure(IReadOnlyList<CalibrationRun> runs, ToleranceFile declared, ToleranceRule rule, StatisticalRule statistical,
        IReadOnlyCollection<string>? only)
    {
        if (runs.Count < 2) throw new ArgumentException($"a calibration needs at least two runs to compare, got {runs.Count}");
        var duplicate = runs.GroupBy(r => r.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"calibration run '{duplicate.Key}' is named twice");
        foreach (var run in runs)
            if (!Directory.Exists(run.TablesDir)) throw new DirectoryNotFoundException($"calibration run '{run.Name}': no tables folder {run.TablesDir}");

        var names = runs.SelectMany(r => CalibrationTables.Names(r.TablesDir))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        if (only is not null)
        {
            var unknown = only.FirstOrDefault(t => !names.Contains(t));
            if (unknown is not null) throw new InvalidDataException($"table '{unknown}' (asked for) is produced by none of the calibration runs");
            names = names.Where(only.Contains).ToList();
        }
        return names.Select(name =>
        {
            var tables = ReadTables(name!, runs);
            var tolerances = declared.For(name!);
            return tolerances.IsStatistical
                ? SeedMeanSpreadMeasurement.Measure(name!, runs, tables, tolerances, statistical)
                : MeasureTable(name!, runs, tables, tolerances.Keys, rule, tolerances.PerRow) with { Declared = tolerances };
        }).ToList();
    }

    private static List<CsvText> ReadTables(string name, IReadOnlyList<CalibrationRun> runs)
    {
        var tables = runs.Select(run =>
        {
            if (!CalibrationTables.Exists(run.TablesDir, name))
                throw new InvalidDataException($"table '{name}': run '{run.Name}' did not produce it ({Path.Combine(run.TablesDir, name + ".csv")} is missing), the other runs did");
            return CalibrationTables.Read(run.TablesDir, name);
        }).ToList();
        for (var i = 1; i < tables.Count; i++)
            if (!tables[i].Header.Order(StringComparer.Ordinal).SequenceEqual(tables[0].Header.Order(StringComparer.Ordinal)))
                throw new InvalidDataException($"table '{name}': run '{runs[i].Name}' has the columns ({string.Join(", ", tables[i].Header)}), run '{runs[0].Name}' has ({string.Join(", ", tables[0].Header)})");
        return tables;
    }

    private static TableSpread MeasureTable(string name, IReadOnlyList<CalibrationRun> runs, IReadOnlyList<CsvText> tables, IReadOnlyList<string> keys, ToleranceRule rule,
        bool perRow = false)
    {
        var header = tables[0].Header;
        foreach (var key in keys)
            if (!header.Contains(key)) throw new InvalidDataException($"table '{name}': key column '{key}' (declared in tolerances.json) is not in its header ({string.Join(", ", header)})");

        var indexed = tables.Select((t, i) => Index(t, keys, name, runs[i].Name)).ToList();
        var first = indexed[0];
        for (var i = 1; i < indexed.Count; i++)
        {
            var missing = first.Order.FirstOrDefault(k => !indexed[i].Rows.ContainsKey(k));
            if (missing is not null)
                throw new InvalidDataException($"table '{name}': row ({first.Keys[missing]}) of run '{runs[0].Name}' is missing from run '{runs[i].Name}'");
            var extra = indexed[i].Order.FirstOrDefault(k => !first.Rows.ContainsKey(k));
            if (extra is not null)
                throw new InvalidDataException($"table '{name}': row ({indexed[i].Keys[extra]}) of run '{runs[i].Name}' is missing from run '{runs[0].Name}'");
        }

        var columns = new List<ColumnSpread>();
        var disagreements = new List<CellDisagreement>();
        var differing = new int[runs.Count];
        foreach (var column in header.Where(c => !keys.Contains(c)))
        {
            var positions = tables.Select(t => t.Header.ToList().IndexOf(column)).ToArray();
            var numeric = false;
            var (smallest, largest) = (double.PositiveInfinity, double.NegativeInfinity);
            (double Deviation, string Key, int High, int Low, double HighValue, double LowValue)? widest = null;
            var ownRows = new List<(RowKey Row, double Deviation, Tolerance Tolerance)>();
            foreach (var key in first.Order)
            {
                var cells = indexed.Select((t, i) => t.Rows[key].Cells[positions[i]]).ToArray();
                for (var i = 1; i < cells.Length; i++) if (cells[i] != cells[0]) differing[i]++;
                var values = new double[cells.Length];
                var allNumbers = true;
                for (var i = 0; i < cells.Length && allNumbers; i++) allNumbers = TableComparer.TryNumber(cells[i], out values[i]);
                if (allNumbers && values.All(double.IsFinite))
                {
                    numeric = true;
                    (smallest, largest) = (Math.Min(smallest, values.Min()), Math.Max(largest, values.Max()));
                    var (high, low) = (Array.IndexOf(values, values.Max()), Array.IndexOf(values, values.Min()));
                    var deviation = values[high] - values[low];
                    if (widest is null || deviation > widest.Value.Deviation) widest = (deviation, key, high, low, values[high], values[low]);
                    if (perRow && rule.For(deviation).Absolute > rule.For(0).Absolute) ownRows.Add((first.Keys[key], deviation, rule.For(deviation)));
                }
                else if (allNumbers ? !SameNonFinite(values) : cells.Distinct(StringComparer.Ordinal).Count() > 1)
                {
                    disagreements.Add(new CellDisagreement(column, first.Keys[key], cells));
                }
            }
            if (!numeric) continue;
            var w = widest!.Value;
            // Per row, the column's own tolerance is the floor: every row that needs more has an entry of its own.
            var tolerance = rule.For(perRow ? 0 : w.Deviation);
            columns.Add((w.Deviation > 0
                ? new ColumnSpread(column, w.Deviation, first.Keys[w.Key], runs[w.High].Name, w.HighValue, runs[w.Low].Name, w.LowValue, tolerance, largest - smallest)
                : new ColumnSpread(column, 0, null, null, double.NaN, null, double.NaN, tolerance, largest - smallest)) with { Rows = ownRows });
        }
        return new TableSpread(name, keys, first.Order.Count, columns, disagreements, differing);
    }

    // NaN matches only NaN and an infinity only the same infinity (as Tolerance.Allows reads them).
    private static bool SameNonFinite(double[] values) =>
        values.All(double.IsNaN) || values.All(v => v.Equals(values[0]));

    private sealed record IndexedTable(List<string> Order, Dictionary<string, CsvRow> Rows, Dictionary<string, RowKey> Keys);

    private static IndexedTable Index(CsvText table, IReadOnlyList<string> keys, string name, string run)
    {
        var positions = keys.Select(k => table.Header.ToList().IndexOf(k)).ToArray();
        var result = new IndexedTable([], new Dictionary<string, CsvRow>(StringComparer.Ordinal), new Dictionary<string, RowKey>(StringComparer.Ordinal));
        var ordinal = 0;
        foreach (var row in table.Rows)
        {
            ordinal++;
            var key = keys.Count == 0
                ? new RowKey([TableComparer.PositionKey], [ordinal.ToString(CultureInfo.InvariantCulture)])
                : new RowKey(keys, positions.Select(p => row.Cells[p]).ToArray());
            var text = string.Join('\u001f', key.Values);
            if (!result.Rows.TryAdd(text, row))
                throw new InvalidDataException($"table '{name}' of run '{run}', line {row.Line}: key ({key}) already used on line {result.Rows[text].Line}; key columns must identify one row");
            result.Order.Add(text);
            result.Keys[text] = key;
        }
        return result;
    }
}
