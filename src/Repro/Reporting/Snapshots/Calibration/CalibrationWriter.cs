using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Repro.Reporting.Tables;
using Repro.Torch.IO;

namespace Repro.Reporting.Snapshots.Calibration;

/// <summary>
/// Writes a calibration into a profile's snapshot folder: <c>tolerances.json</c> (keys as they were, one measured
/// absolute tolerance per numeric column, <c>$</c>-comments giving the rule, the runs, the machine and each column's
/// measured spread) and <c>calibration/</c>, where a reviewer sees where every tolerance came from:
/// <c>summary.csv</c> (per column: largest difference, where, between which runs, the tolerance),
/// <c>non-numeric-differences.csv</c> (cells such as verdicts that differed between runs), <c>runs.csv</c> (each run's
/// environment and how many cells it changed against the first), and each run's tables as <c>RUN/TABLE.csv</c>.
/// </summary>
internal static class CalibrationWriter
{
    public const string Folder = "calibration";

    /// <summary>A run's table larger than this is not copied (the summary still covers it): the repository stays small.</summary>
    public const long MaxCopiedTableBytes = 1 << 20;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(string profileDir, ToleranceCalibration calibration, ToleranceFile previous, string recalibrateCommand)
    {
        Directory.CreateDirectory(profileDir);
        var folder = Path.Combine(profileDir, Folder);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); // nothing of an older calibration stays beside this one
        Directory.CreateDirectory(folder);

        var notCopied = CopyTables(folder, calibration);
        WriteSummary(Path.Combine(folder, "summary.csv"), calibration);
        WriteDisagreements(Path.Combine(folder, "non-numeric-differences.csv"), calibration);
        WriteRuns(Path.Combine(folder, "runs.csv"), calibration);
        AtomicFile.WriteAllText(Path.Combine(profileDir, SnapshotStore.ToleranceFileName),
            ToleranceJson(calibration, previous, notCopied, recalibrateCommand).ToJsonString(Indented) + "\n");
    }

    internal static JsonObject ToleranceJson(ToleranceCalibration c, ToleranceFile previous, IReadOnlyList<string> notCopied, string recalibrateCommand)
    {
        var disagreements = c.Disagreements.ToList();
        var json = new JsonObject
        {
            ["$comment"] = $"Measured, not chosen: written by `{recalibrateCommand}`, which reran the profile's whole study under "
                           + "the perturbations in $runs (each changes only float rounding) and compared the runs' result tables. "
                           + $"Each numeric column's absolute tolerance is {c.Rule}. Keys are kept from the previous file; keys and "
                           + "non-numeric cells (verdicts) compare exactly. Each column's $max_deviation and $where say what it was "
                           + $"made of; the runs' tables and a per-column summary are in {Folder}/. Edit by recalibrating, not by hand.",
            ["$calibrated"] = $"{c.Date:yyyy-MM-dd} on {c.Machine}",
            ["$runs"] = new JsonObject(c.Runs.Select(r => KeyValuePair.Create(r.Name, (JsonNode?)JsonValue.Create(r.Environment)))),
            ["$non_numeric_differences"] = disagreements.Count == 0
                ? "none: every non-numeric cell (verdicts included) was the same in every run"
                : new JsonArray(disagreements.Take(20).Select(d => (JsonNode?)JsonValue.Create(Describe(c, d.Table, d.Cell)))
                    .Concat(disagreements.Count > 20 ? [JsonValue.Create($"… {disagreements.Count - 20} more in {Folder}/non-numeric-differences.csv")] : []).ToArray()),
        };
        if (notCopied.Count > 0)
            json["$tables_not_copied"] = $"larger than {MaxCopiedTableBytes / 1024} KiB, so not copied into {Folder}/ (summary.csv covers them): {string.Join(", ", notCopied)}";

        foreach (var table in c.Tables)
        {
            var entry = new JsonObject();
            if (table.Keys.Count > 0) entry["keys"] = new JsonArray(table.Keys.Select(k => (JsonNode?)JsonValue.Create(k)).ToArray());
            if (table.Columns.Count > 0)
                entry["columns"] = new JsonObject(table.Columns.Select(s => KeyValuePair.Create(s.Column, (JsonNode?)ColumnJson(s))));
            json[table.Name] = entry;
        }
        // Declarations for tables the runs did not produce are kept as they were: the calibration has nothing to say about them.
        foreach (var (name, kept) in previous.Declared.Where(d => c.Tables.All(t => t.Name != d.Name)))
        {
            var entry = new JsonObject { ["$comment"] = "not produced by the calibration runs: kept as it was" };
            if (kept.Keys.Count > 0) entry["keys"] = new JsonArray(kept.Keys.Select(k => (JsonNode?)JsonValue.Create(k)).ToArray());
            if (kept.Columns.Count > 0) entry["columns"] = new JsonObject(kept.Columns.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)ToleranceJson(p.Value))));
            if (!kept.Default.IsExact) entry["default"] = ToleranceJson(kept.Default);
            json[name] = entry;
        }
        return json;
    }

    private static JsonObject ColumnJson(ColumnSpread s)
    {
        var column = ToleranceJson(s.Tolerance);
        column["$max_deviation"] = s.MaxDeviation;
        column["$where"] = s.Where is null
            ? "every run gave the same value in every row (the floor applies)"
            : $"{s.Where}: {s.HighRun} {Number(s.High)} vs {s.LowRun} {Number(s.Low)}";
        if (s.IsBlind)
            column["$blind"] = $"the tolerance reaches the whole range of the column's values ({Number(s.ValueRange)}): float rounding alone moves it that far, so its check cannot catch a change";
        return column;
    }

    private static JsonObject ToleranceJson(Tolerance t)
    {
        var o = new JsonObject();
        if (t.Absolute > 0 || t.IsExact) o["absolute"] = t.Absolute;
        if (t.Relative > 0) o["relative"] = t.Relative;
        return o;
    }

    private static string Describe(ToleranceCalibration c, string table, CellDisagreement d) =>
        $"{table} ({d.Row}) {d.Column}: {string.Join("; ", c.Runs.Zip(d.Values, (r, v) => $"{r.Name} = {v}"))}";

    private static List<string> CopyTables(string folder, ToleranceCalibration c)
    {
        var notCopied = new List<string>();
        foreach (var table in c.Tables)
        {
            var sources = c.Runs.Select(r => Path.Combine(r.TablesDir, table.Name + ".csv")).ToList();
            if (sources.Any(s => new FileInfo(s).Length > MaxCopiedTableBytes)) { notCopied.Add(table.Name); continue; }
            foreach (var (run, source) in c.Runs.Zip(sources))
            {
                Directory.CreateDirectory(Path.Combine(folder, run.Name));
                AtomicFile.WriteAllBytes(Path.Combine(folder, run.Name, table.Name + ".csv"), File.ReadAllBytes(source));
            }
        }
        return notCopied;
    }

    private static void WriteSummary(string path, ToleranceCalibration c)
    {
        var summary = new ResultTable("summary", "table", "column", "max_deviation", "row", "high_run", "high_value", "low_run", "low_value", "multiple", "floor", "tolerance",
            "value_range", "blind");
        foreach (var t in c.Tables)
            foreach (var s in t.Columns)
                summary.AddRow(t.Name, s.Column, s.MaxDeviation, s.Where?.ToString() ?? "", s.HighRun ?? "", s.Where is null ? "" : s.High,
                    s.LowRun ?? "", s.Where is null ? "" : s.Low, c.Rule.Multiple, c.Rule.Floor, s.Tolerance.Absolute, s.ValueRange, s.IsBlind ? "yes" : "no");
        CsvTable.Write(path, summary);
    }

    private static void WriteDisagreements(string path, ToleranceCalibration c)
    {
        var table = new ResultTable("non-numeric-differences", ["table", "column", "row", .. c.Runs.Select(r => r.Name)]);
        foreach (var (name, d) in c.Disagreements) table.AddRow([name, d.Column, d.Row.ToString(), .. d.Values]);
        CsvTable.Write(path, table);
    }

    private static void WriteRuns(string path, ToleranceCalibration c)
    {
        var runs = new ResultTable("runs", "run", "environment", $"cells_differing_from_{c.Runs[0].Name}");
        for (var i = 0; i < c.Runs.Count; i++)
            runs.AddRow(c.Runs[i].Name, c.Runs[i].Environment, i == 0 ? "" : c.Tables.Sum(t => t.CellsDifferingFromFirstRun[i]));
        CsvTable.Write(path, runs);
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
