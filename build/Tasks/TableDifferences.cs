using System.Globalization;
using CsvHelper;

namespace Repro.Build.Tasks;

/// <summary>
/// How far a mutated run moved each result table from the unmutated one: per table, the largest absolute difference
/// between numeric cells at the same row and column, with its column (rows in the same order: both runs are the same
/// deterministic study but for the mutant). A measurement for the Mutants report, not a check.
/// </summary>
internal static class TableDifferences
{
    public static IReadOnlyList<string> Largest(string baselineTables, string mutatedTables)
    {
        var found = new List<string>();
        if (!Directory.Exists(mutatedTables)) return found;
        foreach (var path in Directory.EnumerateFiles(baselineTables, "*.csv").Order(StringComparer.Ordinal))
        {
            var other = Path.Combine(mutatedTables, Path.GetFileName(path));
            if (!File.Exists(other)) continue;
            var (a, b) = (Records(path), Records(other));
            if (a.Count == 0 && b.Count == 0) continue;
            if (a.Count != b.Count || !a[0].SequenceEqual(b[0]))
            {
                found.Add($"{Path.GetFileNameWithoutExtension(path)}: rows or columns differ");
                continue;
            }
            var header = a[0];
            var (largest, column) = (0.0, "");
            for (var r = 1; r < a.Count; r++)
                for (var c = 0; c < Math.Min(Math.Min(a[r].Length, b[r].Length), header.Length); c++)
                    if (double.TryParse(a[r][c], NumberStyles.Float, CultureInfo.InvariantCulture, out var u)
                        && double.TryParse(b[r][c], NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                        && double.IsFinite(u) && double.IsFinite(v) && Math.Abs(u - v) > largest)
                        (largest, column) = (Math.Abs(u - v), header[c]);
            if (largest > 0) found.Add(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileNameWithoutExtension(path)}.{column} {largest:G3}"));
        }
        return found;
    }

    /// <summary>Every record, header first, read as CSV (quoted cells such as a map block's row keys hold commas).</summary>
    private static List<string[]> Records(string path)
    {
        using var csv = CsvReader.FromText(File.ReadAllText(path), CsvReaderOptions.Default with { Separator = ',', HasHeader = true });
        var records = new List<string[]> { csv.Headers.ToArray() };
        while (csv.Read())
        {
            var cells = new string[csv.FieldCount];
            for (var i = 0; i < cells.Length; i++) cells[i] = csv.GetString(i);
            records.Add(cells);
        }
        return records;
    }
}
