using System.Globalization;
using Repro.Reporting.Tables;

namespace Repro.Reporting.Snapshots;

/// <summary>
/// Reduces a table to one row per group before it is compared (<c>"meanOver"</c> in tolerances.json): rows that
/// agree on every key but the averaged ones form a group, and each numeric column becomes the group's mean. Seeds of
/// one run share a pre-trained backbone, so a single seed's number moves with float rounding far more than the seeds'
/// mean does; comparing means is what lets a tolerance be narrow enough to catch a change.
/// With several averaged columns (seed_a, seed_b), rows where they are all equal (same-seed comparisons) and rows
/// where they differ (cross-seed comparisons) are separate groups, told apart by the derived key <see cref="SeedsColumn"/>.
/// </summary>
internal static class GroupMeans
{
    /// <summary>The derived key with several averaged columns: <see cref="Same"/> or <see cref="Across"/>.</summary>
    public const string SeedsColumn = "seeds";

    public const string Same = "same";

    public const string Across = "across";

    /// <summary>How many rows a group averaged: compared exactly, so that a missing seed is a change that names its group.</summary>
    public const string CountColumn = "rows averaged";

    public sealed record Group(IReadOnlyList<string> Key, IReadOnlyList<CsvRow> Rows);

    /// <summary>The table's rows grouped by <see cref="TableTolerances.GroupKeys"/>, groups in order of first appearance.</summary>
    public static IReadOnlyList<Group> Groups(CsvText table, TableTolerances tolerances)
    {
        foreach (var key in tolerances.Keys)
            if (!table.Header.Contains(key)) throw new InvalidDataException($"{table.Source}: key column '{key}' (declared in the tolerances) is not in the header ({string.Join(", ", table.Header)}).");
        if (tolerances.MeanOver.Count > 1 && table.Header.Contains(SeedsColumn))
            throw new InvalidDataException($"{table.Source}: has a column '{SeedsColumn}', the name of the key that averaging over {string.Join(", ", tolerances.MeanOver)} adds.");
        var kept = tolerances.Keys.Where(k => !tolerances.MeanOver.Contains(k)).Select(k => Position(table, k)).ToArray();
        var averaged = tolerances.MeanOver.Select(k => Position(table, k)).ToArray();
        var groups = new Dictionary<string, (IReadOnlyList<string> Key, List<CsvRow> Rows)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var row in table.Rows)
        {
            IReadOnlyList<string> key = kept.Select(p => row.Cells[p]).ToList();
            if (averaged.Length > 1)
                key = [.. key, averaged.All(p => row.Cells[p] == row.Cells[averaged[0]]) ? Same : Across];
            var text = string.Join('\u001f', key);
            if (!groups.TryGetValue(text, out var group))
            {
                groups[text] = group = (key, []);
                order.Add(text);
            }
            group.Rows.Add(row);
        }
        return order.Select(k => new Group(groups[k].Key, groups[k].Rows)).ToList();
    }

    /// <summary>
    /// One row per group: the group's keys, each other column's mean over the group when every cell reads as a number
    /// (NaN stays NaN), else its one text, and <see cref="CountColumn"/>. A text column that differs within a group
    /// is an error naming the table and the group: there is no mean of two verdicts.
    /// </summary>
    public static CsvText Reduce(CsvText table, TableTolerances tolerances)
    {
        if (tolerances.MeanOver.Count == 0) return table;
        if (IsReduced(table, tolerances))
        {
            foreach (var key in tolerances.GroupKeys)
                if (!table.Header.Contains(key)) throw new InvalidDataException($"{table.Source}: key column '{key}' (of the group means) is not in the header ({string.Join(", ", table.Header)}).");
            return table;
        }
        var groupKeys = tolerances.GroupKeys;
        var others = table.Header.Where(c => !tolerances.Keys.Contains(c)).ToList();
        var positions = others.Select(c => Position(table, c)).ToArray();
        var rows = new List<CsvRow>();
        foreach (var group in Groups(table, tolerances))
        {
            var cells = new List<string>(group.Key);
            for (var i = 0; i < others.Count; i++)
            {
                var column = group.Rows.Select(r => r.Cells[positions[i]]).ToList();
                var numbers = new double[column.Count];
                if (column.Select((c, j) => TableComparer.TryNumber(c, out numbers[j])).All(ok => ok))
                    cells.Add(numbers.Average().ToString("R", CultureInfo.InvariantCulture));
                else if (column.Distinct(StringComparer.Ordinal).Count() == 1)
                    cells.Add(column[0]);
                else
                    throw new InvalidDataException($"{table.Source}: column '{others[i]}' is not a number and differs within the group ({Describe(groupKeys, group.Key)}): "
                                                   + $"{string.Join(" / ", column.Distinct(StringComparer.Ordinal))} (lines {string.Join(", ", group.Rows.Select(r => r.Line))}); only numbers can be averaged over {string.Join(", ", tolerances.MeanOver)}.");
            }
            cells.Add(group.Rows.Count.ToString(CultureInfo.InvariantCulture));
            rows.Add(new CsvRow(group.Rows[0].Line, cells));
        }
        return new CsvText($"{table.Source} (mean over {string.Join(", ", tolerances.MeanOver)})", [.. groupKeys, .. others, CountColumn], rows);
    }

    /// <summary>
    /// True for a table already in the reduced form: none of the averaged columns, and <see cref="CountColumn"/>. A
    /// calibration writes the verified reference of a statistical table so, as the mean of its runs' group means
    /// (<see cref="Calibration.ReferenceTable"/>): there is no seed row to write for a mean over runs.
    /// </summary>
    public static bool IsReduced(CsvText table, TableTolerances tolerances) =>
        tolerances.MeanOver.Count > 0 && table.Header.Contains(CountColumn) && tolerances.MeanOver.All(c => !table.Header.Contains(c));

    public static string Describe(IReadOnlyList<string> columns, IReadOnlyList<string> values) => string.Join(", ", columns.Zip(values, (c, v) => $"{c}={v}"));

    private static int Position(CsvText table, string column) => table.Header.ToList().IndexOf(column);
}
