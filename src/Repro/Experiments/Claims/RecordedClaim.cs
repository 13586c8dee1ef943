using System.Globalization;
using Repro.Reporting.Tables;

namespace Repro.Experiments.Claims;

/// <summary>
/// A claim's verdict and value as recorded for a profile (expected-results/PROFILE/claims.verified.csv: id, verdict,
/// value, lower, upper, control). A file from before the value column records verdicts only (Value NaN), and one
/// without the interval columns no interval (Lower and Upper NaN).
/// </summary>
public sealed record RecordedClaim(string Id, Decision Decision, double Value, double Lower = double.NaN, double Upper = double.NaN)
{
    public static IReadOnlyDictionary<string, RecordedClaim> ReadAll(string path)
    {
        var csv = CsvTable.ReadFile(path);
        int Column(string name) => csv.Header.ToList().IndexOf(name);
        var (id, verdict, value, lower, upper) = (Column("id"), Column("verdict"), Column("value"), Column("lower"), Column("upper"));
        if (id < 0 || verdict < 0) throw new InvalidDataException($"{path}: a claims table needs the columns id and verdict");
        double Number(CsvRow row, int column) =>
            column < 0 || row.Cells[column].Length == 0 ? double.NaN : double.Parse(row.Cells[column], NumberStyles.Float, CultureInfo.InvariantCulture);
        return csv.Rows.Select(r => new RecordedClaim(r.Cells[id], Decisions.Parse(r.Cells[verdict]), Number(r, value), Number(r, lower), Number(r, upper)))
            .ToDictionary(c => c.Id);
    }
}
