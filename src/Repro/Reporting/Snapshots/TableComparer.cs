using System.Globalization;
using Repro.Reporting.Tables;

namespace Repro.Reporting.Snapshots;

/// <summary>
/// Compares an obtained CSV table with the verified one under declared tolerances: rows are matched by their key
/// columns, cells that both read as numbers are compared with the column's tolerance, everything else exactly.
/// Column order does not matter; a column present on one side only is reported as added or removed.
/// </summary>
internal static class TableComparer
{
    /// <summary>The key column shown when rows are matched by position.</summary>
    public const string PositionKey = "row";

    public static TableComparison Compare(CsvText obtained, CsvText expected, TableTolerances tolerances)
    {
        foreach (var key in tolerances.Keys)
        {
            if (!expected.Header.Contains(key) && !GroupMeans.IsReduced(expected, tolerances)) throw new InvalidDataException($"{expected.Source}: key column '{key}' (declared in the tolerances) is not in the header ({string.Join(", ", expected.Header)}).");
            if (!obtained.Header.Contains(key)) throw new InvalidDataException($"{obtained.Source}: key column '{key}' (declared in the tolerances) is not in the header ({string.Join(", ", obtained.Header)}).");
        }
        foreach (var column in tolerances.Columns.Keys.Concat(tolerances.Rows.SelectMany(r => r.Columns.Keys)).Distinct())
        {
            if (!expected.Header.Contains(column) && !obtained.Header.Contains(column))
                throw new InvalidDataException($"{expected.Source}: the tolerances name column '{column}', which neither the verified nor the obtained table has.");
        }
        obtained = GroupMeans.Reduce(obtained, tolerances);
        expected = GroupMeans.Reduce(expected, tolerances);

        var keys = tolerances.GroupKeys;
        var keyed = keys.Count > 0;
        var keyColumns = keyed ? keys : new[] { PositionKey };
        var expectedRows = Index(expected, keys);
        var obtainedRows = Index(obtained, keys);
        var unmatched = tolerances.Rows.FirstOrDefault(r => !expectedRows.InOrder.Concat(obtainedRows.InOrder).Any(row => r.Row.Selects(Named(keys, row.Key))));
        if (unmatched is not null)
            throw new InvalidDataException($"{expected.Source}: the tolerances give row '{unmatched.Row}' its own tolerance, but neither the verified nor the obtained table has that row.");
        var common = expected.Header.Where(c => obtained.Header.Contains(c) && !keys.Contains(c)).ToArray();
        var expectedColumn = Positions(expected.Header);
        var obtainedColumn = Positions(obtained.Header);

        var changed = new List<ChangedRow>();
        var removed = new List<UnmatchedRow>();
        foreach (var (key, expectedRow) in expectedRows.InOrder)
        {
            if (!obtainedRows.ByKey.TryGetValue(key, out var obtainedRow))
            {
                removed.Add(new UnmatchedRow(SplitKey(key), expectedRow.Line, expectedRow.Cells));
                continue;
            }
            var cells = new List<CellDifference>();
            var named = Named(keys, key);
            foreach (var column in common)
            {
                var o = obtainedRow.Cells[obtainedColumn[column]];
                var e = expectedRow.Cells[expectedColumn[column]];
                var tolerance = tolerances.MeanOver.Count > 0 && column == GroupMeans.CountColumn ? Tolerance.Exact : tolerances.For(named, column);
                if (TryNumber(o, out var on) && TryNumber(e, out var en))
                {
                    if (!tolerance.Allows(on, en)) cells.Add(new CellDifference(column, o, e, on - en, tolerance));
                }
                else if (!string.Equals(o, e, StringComparison.Ordinal))
                {
                    cells.Add(new CellDifference(column, o, e, null, Tolerance.Exact));
                }
            }
            if (cells.Count > 0) changed.Add(new ChangedRow(SplitKey(key), cells));
        }
        var added = obtainedRows.InOrder.Where(r => !expectedRows.ByKey.ContainsKey(r.Key))
            .Select(r => new UnmatchedRow(SplitKey(r.Key), r.Row.Line, r.Row.Cells)).ToList();

        return new TableComparison(
            keyColumns, obtained.Header, expected.Header,
            obtained.Header.Where(c => !expected.Header.Contains(c)).ToArray(),
            expected.Header.Where(c => !obtained.Header.Contains(c)).ToArray(),
            changed, added, removed);
    }

    /// <summary>Invariant-culture numbers, including NaN and ±Infinity as .NET and pandas write them.</summary>
    public static bool TryNumber(string text, out double value)
    {
        switch (text)
        {
            case "NaN" or "nan": value = double.NaN; return true;
            case "Infinity" or "inf" or "+Infinity" or "+inf": value = double.PositiveInfinity; return true;
            case "-Infinity" or "-inf": value = double.NegativeInfinity; return true;
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    // Keys joined with the ASCII unit separator, which result tables do not contain.
    private const char KeySeparator = '\u001f';

    private static IReadOnlyList<string> SplitKey(string key) => key.Split(KeySeparator);

    private static Dictionary<string, string> Named(IReadOnlyList<string> keys, string key) =>
        keys.Zip(SplitKey(key)).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);

    private sealed record RowIndex(IReadOnlyList<(string Key, CsvRow Row)> InOrder, IReadOnlyDictionary<string, CsvRow> ByKey);

    private static RowIndex Index(CsvText table, IReadOnlyList<string> keys)
    {
        var positions = keys.Select(k => table.Header.ToList().IndexOf(k)).ToArray();
        var rows = new Dictionary<string, CsvRow>(StringComparer.Ordinal);
        var inOrder = new List<(string, CsvRow)>();
        var ordinal = 0;
        foreach (var row in table.Rows)
        {
            ordinal++;
            var key = keys.Count == 0
                ? ordinal.ToString(CultureInfo.InvariantCulture)
                : string.Join(KeySeparator, positions.Select(p => row.Cells[p]));
            if (!rows.TryAdd(key, row))
                throw new InvalidDataException($"{table.Source}, line {row.Line}: key ({string.Join(", ", keys.Zip(SplitKey(key), (k, v) => $"{k}={v}"))}) already used on line {rows[key].Line}; key columns must identify one row.");
            inOrder.Add((key, row));
        }
        return new RowIndex(inOrder, rows);
    }

    private static Dictionary<string, int> Positions(IReadOnlyList<string> header) =>
        header.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
}
