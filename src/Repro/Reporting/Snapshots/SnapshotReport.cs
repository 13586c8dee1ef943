using System.Globalization;
using System.Text;
using Repro.Reporting.Tables;

namespace Repro.Reporting.Snapshots;

/// <summary>
/// Renders snapshot differences as Markdown (readable as plain text too), for test failure messages, the CLI and
/// the run's report. Only what differs is shown.
/// </summary>
internal static class SnapshotReport
{
    public static string Describe(SnapshotResult result)
    {
        var label = $"{result.Profile}/{result.FileName}";
        var accept = $"`repro snapshot accept --profile {result.Profile} --name {result.Name}`";
        switch (result.Status)
        {
            case SnapshotStatus.Match:
                return $"Snapshot {label} matches {result.VerifiedPath}.";
            case SnapshotStatus.MissingVerified:
                return $"Snapshot {label} has no verified file yet ({result.VerifiedPath}). Wrote {result.ReceivedPath}: "
                       + $"review it, then accept it with {accept} (refused under CI) and commit the .verified file.";
            case SnapshotStatus.Pending:
                return $"Snapshot {label} is not recorded for this profile yet, as its tolerances.json says: {result.PendingReason} Wrote {result.ReceivedPath}; "
                       + $"once the profile's calibration runs produce the table, accept it with {accept}, calibrate, and remove \"pending\".";
            case SnapshotStatus.NotProduced:
                return $"Snapshot {label}: {result.VerifiedPath} exists but this run produced no {label}. "
                       + "If the table was dropped on purpose, delete the verified file.";
            case SnapshotStatus.Mismatch:
                var sb = new StringBuilder();
                sb.Append($"Snapshot {label} differs from {result.VerifiedPath}; wrote {result.ReceivedPath}.\n\n");
                if (result.Table is not null) sb.Append(Render(result.Table));
                if (result.Text is not null) sb.Append(Render(result.Text));
                sb.Append($"\nIf the change is intended, accept it with {accept} (refused under CI) and commit the .verified file.\n");
                return sb.ToString();
            default:
                throw new ArgumentOutOfRangeException(nameof(result), result.Status, "Unknown snapshot status.");
        }
    }

    /// <summary>
    /// Changed rows as one table: the key columns, then for every column that differs somewhere its obtained,
    /// expected and difference (blank where that row's cell matched); then rows added and rows removed.
    /// </summary>
    public static string Render(TableComparison comparison)
    {
        var sb = new StringBuilder();
        if (comparison.ColumnsAdded.Count > 0) sb.Append($"Columns added: {string.Join(", ", comparison.ColumnsAdded)}\n\n");
        if (comparison.ColumnsRemoved.Count > 0) sb.Append($"Columns removed: {string.Join(", ", comparison.ColumnsRemoved)}\n\n");

        if (comparison.Changed.Count > 0)
        {
            var columns = comparison.ExpectedHeader
                .Where(c => comparison.Changed.Any(r => r.Cells.Any(d => d.Column == c))).ToArray();
            var header = new List<string>(comparison.KeyColumns);
            var numeric = new HashSet<int>();
            // One tolerance per column goes in the header; rows with tolerances of their own get a column that shows each row's.
            var perRow = new HashSet<string>(StringComparer.Ordinal);
            foreach (var column in columns)
            {
                var tolerances = comparison.Changed.SelectMany(r => r.Cells).Where(d => d.Column == column && d.Difference is not null).Select(d => d.Tolerance).Distinct().ToList();
                if (tolerances.Count > 1) perRow.Add(column);
                var parts = perRow.Contains(column)
                    ? new[] { "obtained", "expected", "difference", "tolerance" }
                    : new[] { "obtained", "expected", $"difference ({tolerances.FirstOrDefault() ?? Tolerance.Exact})" };
                foreach (var part in parts)
                {
                    numeric.Add(header.Count);
                    header.Add($"{column} {part}");
                }
            }
            var rows = comparison.Changed.Select(row =>
            {
                var cells = new List<string>(row.Key);
                foreach (var column in columns)
                {
                    var d = row.Cells.FirstOrDefault(c => c.Column == column);
                    cells.Add(d?.Obtained ?? "");
                    cells.Add(d?.Expected ?? "");
                    cells.Add(d is null ? "" : FormatDifference(d.Difference));
                    if (perRow.Contains(column)) cells.Add(d is null ? "" : d.Tolerance.ToString());
                }
                return (IReadOnlyList<string>)cells;
            });
            sb.Append($"Changed rows ({comparison.Changed.Count}):\n\n");
            sb.Append(MarkdownTable.Render(header, rows, numeric)).Append('\n');
        }
        if (comparison.Added.Count > 0)
        {
            sb.Append($"Rows added ({comparison.Added.Count}, not in the verified file):\n\n");
            sb.Append(MarkdownTable.Render(comparison.ObtainedHeader, comparison.Added.Select(r => r.Cells))).Append('\n');
        }
        if (comparison.Removed.Count > 0)
        {
            sb.Append($"Rows removed ({comparison.Removed.Count}, in the verified file only):\n\n");
            sb.Append(MarkdownTable.Render(comparison.ExpectedHeader, comparison.Removed.Select(r => r.Cells))).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>A diff block: "-" lines of the verified text, "+" lines of the obtained text, with their line numbers.</summary>
    public static string Render(TextComparison comparison)
    {
        var sb = new StringBuilder("```diff\n");
        foreach (var line in comparison.Lines)
            sb.Append(line.Removed ? '-' : '+').Append(' ').Append(line.Line.ToString(CultureInfo.InvariantCulture)).Append(": ").Append(line.Text).Append('\n');
        return sb.Append("```\n").ToString();
    }

    private static string FormatDifference(double? difference) => difference switch
    {
        null => "(text)",
        double d when double.IsNaN(d) => "NaN",
        double d when d > 0 => "+" + d.ToString("G6", CultureInfo.InvariantCulture),
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
    };
}
