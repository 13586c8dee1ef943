using System.Globalization;
using Repro.Reporting.Tables;

namespace Repro.Reporting.Snapshots.Calibration;

/// <summary>
/// The verified reference of a table compared as seed means: per group, each numeric column's mean over the
/// calibration runs of the run's group mean, in the reduced form the check compares (<see cref="GroupMeans.IsReduced"/>).
/// One run's table as the reference adds that run's own training noise to every comparison (a new run and it differ
/// by σ√2); the mean of R runs adds σ/√R, so more calibration runs narrow the tolerance towards t·σ rather than only
/// estimating σ better. A cell that is not a number in every run (a layer kind) is the first run's text: where runs
/// disagree on it the calibration reports the disagreement, and no tolerance covers it.
/// </summary>
internal static class ReferenceTable
{
    /// <param name="name">The table's name.</param>
    /// <param name="keyCount">How many leading columns of the reduced tables are group keys.</param>
    /// <param name="reduced">Each run's table reduced to group means (<see cref="GroupMeans.Reduce"/>), the same groups in every run.</param>
    public static CsvText Of(string name, int keyCount, IReadOnlyList<CsvText> reduced)
    {
        if (reduced.Count < 1) throw new ArgumentException("a reference needs at least one run's table");
        var first = reduced[0];
        var positions = reduced.Select(t => first.Header.Select(c => t.Header.ToList().IndexOf(c)).ToArray()).ToList();
        var indexed = reduced.Select(t => t.Rows.ToDictionary(r => Key(r, keyCount), StringComparer.Ordinal)).ToList();
        var rows = new List<CsvRow>();
        foreach (var row in first.Rows)
        {
            var key = Key(row, keyCount);
            var matches = indexed.Select((t, i) => t.TryGetValue(key, out var r) ? r
                : throw new InvalidDataException($"{reduced[i].Source}: no group ({string.Join(", ", row.Cells.Take(keyCount))})")).ToList();
            var cells = new List<string>(row.Cells.Take(keyCount));
            for (var c = keyCount; c < first.Header.Count; c++)
            {
                var column = matches.Select((m, i) => m.Cells[positions[i][c]]).ToList();
                var numbers = new double[column.Count];
                var numeric = first.Header[c] != GroupMeans.CountColumn && column.Select((x, i) => TableComparer.TryNumber(x, out numbers[i])).All(ok => ok);
                cells.Add(numeric ? numbers.Average().ToString("R", CultureInfo.InvariantCulture) : column[0]);
            }
            rows.Add(new CsvRow(row.Line, cells));
        }
        return new CsvText($"{name} (mean of {reduced.Count} calibration runs)", first.Header, rows);
    }

    private static string Key(CsvRow row, int keyCount) => string.Join('\u001f', row.Cells.Take(keyCount));
}
