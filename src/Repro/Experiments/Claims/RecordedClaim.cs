using System.Globalization;
using Repro.Reporting.Tables;

namespace Repro.Experiments.Claims;

/// <summary>
/// A claim's verdict and value as recorded for a profile (expected-results/PROFILE/claims.verified.csv: id, verdict,
/// value, lower, upper, control). A file from before the value column records verdicts only (Value NaN).
/// </summary>
public sealed record RecordedClaim(string Id, Decision Decision, double Value)
{
    public static IReadOnlyDictionary<string, RecordedClaim> ReadAll(string path)
    {
        var csv = CsvTable.ReadFile(path);
        int Column(string name) => csv.Header.ToList().IndexOf(name);
        var (id, verdict, value) = (Column("id"), Column("verdict"), Column("value"));
        if (id < 0 || verdict < 0) throw new InvalidDataException($"{path}: a claims table needs the columns id and verdict");
        return csv.Rows.Select(r => new RecordedClaim(r.Cells[id], Decisions.Parse(r.Cells[verdict]),
                value < 0 || r.Cells[value].Length == 0 ? double.NaN : double.Parse(r.Cells[value], NumberStyles.Float, CultureInfo.InvariantCulture)))
            .ToDictionary(c => c.Id);
    }
}
