using System.Globalization;

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
            var (a, b) = (File.ReadAllLines(path), File.ReadAllLines(other));
            if (a.Length == 0 && b.Length == 0) continue;
            if (a.Length != b.Length || a[0] != b[0])
            {
                found.Add($"{Path.GetFileNameWithoutExtension(path)}: rows or columns differ");
                continue;
            }
            var header = a[0].Split(',');
            var (largest, column) = (0.0, "");
            for (var r = 1; r < a.Length; r++)
            {
                var (x, y) = (a[r].Split(','), b[r].Split(','));
                for (var c = 0; c < Math.Min(Math.Min(x.Length, y.Length), header.Length); c++)
                    if (double.TryParse(x[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var u)
                        && double.TryParse(y[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                        && double.IsFinite(u) && double.IsFinite(v) && Math.Abs(u - v) > largest)
                        (largest, column) = (Math.Abs(u - v), header[c]);
            }
            if (largest > 0) found.Add(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileNameWithoutExtension(path)}.{column} {largest:G3}"));
        }
        return found;
    }
}
