using System.Globalization;
using Repro.Reporting.Tables;

namespace Repro.Reporting.Snapshots.Calibration;

/// <summary>
/// How often a rerun's claim value falls inside another run's recorded interval: every ordered pair of calibration
/// runs (each run's interval in turn as the recorded one, every other run's value as the rerun), per claim. The
/// claims' intervals are built to cover reruns 95 % of the time (ClaimStatistic); this is that promise measured on
/// the reruns a calibration makes anyway. Claims whose value never moves (0 in every run, by construction) are left
/// out: a point covers a point and says nothing.
/// </summary>
internal sealed record RerunCoverage(IReadOnlyList<(string Claim, int Inside, int Pairs)> PerClaim)
{
    public const string TableName = "claims";

    public int Inside => PerClaim.Sum(c => c.Inside);

    public int Pairs => PerClaim.Sum(c => c.Pairs);

    public double Share => Pairs == 0 ? double.NaN : Inside / (double)Pairs;

    /// <summary>The coverage over the runs' claims.csv, or null when fewer than two runs have one with intervals.</summary>
    public static RerunCoverage? Measure(IReadOnlyList<CalibrationRun> runs)
    {
        var paths = runs.Select(r => Path.Combine(r.TablesDir, TableName + ".csv")).Where(File.Exists).ToList();
        // A claims table without intervals (a hand-made one, a study that reports none) has no coverage to measure.
        if (paths.Count < 2 || !paths.All(HasIntervals)) return null;
        var tables = paths.Select(Read).ToList();
        var claims = tables[0].Keys.Where(id => tables.All(t => t.ContainsKey(id)))
            .Where(id => tables.Any(t => t[id].Value != tables[0][id].Value || t[id].Lower != t[id].Upper)).Order(StringComparer.Ordinal);
        return new RerunCoverage(claims.Select(id =>
        {
            var pairs = from recorded in tables from rerun in tables where !ReferenceEquals(recorded, rerun) select (recorded[id], rerun[id].Value);
            var list = pairs.ToList();
            return (id, list.Count(p => p.Item1.Lower <= p.Value && p.Value <= p.Item1.Upper), list.Count);
        }).ToList());
    }

    public ResultTable Table()
    {
        var table = new ResultTable("claims-rerun-coverage", "claim", "inside", "pairs", "share");
        foreach (var (claim, inside, pairs) in PerClaim) table.AddRow(claim, inside, pairs, inside / (double)pairs);
        table.AddRow("all", Inside, Pairs, Share);
        return table;
    }

    private static bool HasIntervals(string path) =>
        IntervalColumns.All(CsvTable.ReadFile(path).Header.Contains);

    private static readonly string[] IntervalColumns = ["id", "value", "lower", "upper"];

    private static Dictionary<string, (double Value, double Lower, double Upper)> Read(string path)
    {
        var csv = CsvTable.ReadFile(path);
        int Column(string name) => csv.Header.ToList().IndexOf(name) is var i and >= 0 ? i : throw new InvalidDataException($"{path}: no '{name}' column");
        var (id, value, lower, upper) = (Column("id"), Column("value"), Column("lower"), Column("upper"));
        double Number(string s, int row, string what) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v : throw new InvalidDataException($"{path}: row {row + 1}: {what} '{s}' is not a number");
        return csv.Rows.Select((r, i) => (r, i)).ToDictionary(x => x.r.Cells[id],
            x => (Number(x.r.Cells[value], x.i, "value"), Number(x.r.Cells[lower], x.i, "lower"), Number(x.r.Cells[upper], x.i, "upper")));
    }
}
