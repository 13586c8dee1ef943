using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Repro.Reporting.Tables;
using Repro.Statistics;
using Repro.Torch.IO;

namespace Repro.Reporting.Snapshots.Calibration;

/// <summary>
/// Writes a calibration into a profile's snapshot folder: <c>tolerances.json</c> (keys as they were, one measured
/// absolute tolerance per numeric column, <c>$</c>-comments giving the rule, the runs, the machine and each column's
/// measured spread) and <c>calibration/</c>, where a reviewer sees where every tolerance came from:
/// <c>summary.csv</c> (per column: largest difference, where, between which runs, the tolerance),
/// <c>non-numeric-differences.csv</c> (cells such as verdicts that differed between runs), <c>runs.csv</c> (each run's
/// environment and how many cells it changed against the first), <c>statistical-summary.csv</c> (per row of seed
/// means and column: each run's mean, the sds, the tolerance, and whether it is blind or above maxTolerance), and
/// each run's tables as <c>RUN/TABLE.csv</c> (<c>.csv.gz</c> over 1 MiB). A partial calibration (some tables) replaces only its tables' records
/// there and keeps the other tables' entries in tolerances.json verbatim.
/// </summary>
internal static class CalibrationWriter
{
    public const string Folder = "calibration";

    /// <summary>
    /// A run's table larger than this is kept gzip-compressed (<c>RUN/TABLE.csv.gz</c>, about a third of the size):
    /// the repository stays small, and a later calibration can still take the run as one of its runs.
    /// </summary>
    public const long MaxPlainTableBytes = 1 << 20;

    public const string StatisticalSummaryFile = "statistical-summary.csv";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Writes the calibration, or refuses (<see cref="CalibrationRefusedException"/>, nothing written) when a row
    /// tolerance cannot fail and <paramref name="allowCannotFail"/> is false.
    /// </summary>
    /// <summary>How often a rerun's claim value fell inside another run's interval (<see cref="RerunCoverage"/>).</summary>
    public const string RerunCoverageFile = "claims-rerun-coverage.csv";

    public static void Write(string profileDir, ToleranceCalibration calibration, ToleranceFile previous, string recalibrateCommand, bool allowCannotFail = false)
    {
        var cannotFail = calibration.CannotFail.ToList();
        if (cannotFail.Count > 0 && !allowCannotFail) throw new CalibrationRefusedException(cannotFail);
        Directory.CreateDirectory(profileDir);
        var folder = Path.Combine(profileDir, Folder);
        // Read before anything is deleted: a run may be one kept in this very folder by an earlier calibration.
        var copies = TableCopies(calibration);
        // Nothing of an older calibration stays beside a whole one; a partial one keeps the records of the tables it did not measure.
        if (Directory.Exists(folder) && !calibration.IsPartial) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        foreach (var copy in copies) copy.WriteInto(folder);
        var compressed = copies.Where(c => c.Compressed).Select(c => c.Table).Distinct().ToList();
        var measured = calibration.Tables.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        WriteMerged(Path.Combine(folder, "summary.csv"), Summary(calibration), measured, calibration.IsPartial);
        WriteMerged(Path.Combine(folder, StatisticalSummaryFile), StatisticalSummary(calibration), measured, calibration.IsPartial);
        WriteMerged(Path.Combine(folder, "non-numeric-differences.csv"), Disagreements(calibration), measured, calibration.IsPartial);
        WriteRuns(Path.Combine(folder, "runs.csv"), calibration);
        // Coverage compares the runs' claims: only a calibration that measured the claims vouches for its runs' claims.
        if (measured.Contains("claims") && RerunCoverage.Measure(calibration.Runs) is { } coverage)
            CsvTable.Write(Path.Combine(folder, RerunCoverageFile), coverage.Table());
        // A table compared as seed means is checked against the mean of the runs, which its tolerances were made for.
        foreach (var table in calibration.Tables.Where(t => t.Reference is not null))
            CsvTable.Write(Path.Combine(profileDir, SnapshotFiles.VerifiedFile(table.Name, ".csv")), table.Reference!.Header, table.Reference.Rows.Select(r => r.Cells));
        AtomicFile.WriteAllText(Path.Combine(profileDir, SnapshotStore.ToleranceFileName),
            ToleranceJson(calibration, previous, compressed, recalibrateCommand).ToJsonString(Indented) + "\n");
    }

    internal static JsonObject ToleranceJson(ToleranceCalibration c, ToleranceFile previous, IReadOnlyList<string> compressed, string recalibrateCommand)
    {
        var disagreements = c.Disagreements.ToList();
        var json = new JsonObject
        {
            ["$comment"] = $"Measured, not chosen: written by `{recalibrateCommand}`, which compared the result tables of the runs "
                           + "in $runs (each a run of the profile's whole study under a perturbation that changes only float rounding). "
                           + $"A table whose entry declares meanOver is compared as seed means, and each of its rows gets the absolute tolerance {c.Statistical} "
                           + "(each row's $sd, $runs and $values say what it was made of; statistical-summary.csv has every run's mean). "
                           + $"Every other numeric column's absolute tolerance is {c.Rule}. Keys, meanOver and maxTolerance are kept from the previous file; keys and "
                           + "non-numeric cells (verdicts) compare exactly. Each column's $max_deviation and $where say what it was "
                           + $"made of; the runs' tables and a per-column summary are in {Folder}/. Edit by recalibrating, not by hand.",
            ["$calibrated"] = Calibrated(c, previous),
            ["$false_alarm"] = c.Statistical.FalseAlarm,
            ["$runs"] = Runs(c, previous),
            ["$non_numeric_differences"] = NonNumeric(c, previous, disagreements.Select(d => Describe(c, d.Table, d.Cell)).ToList()),
        };
        if (compressed.Count > 0)
            json["$tables_compressed"] = $"larger than {MaxPlainTableBytes / 1024} KiB, so kept gzip-compressed in {Folder}/RUN/TABLE.csv.gz: {string.Join(", ", compressed)}";

        // The previous file's order first, so that a partial calibration's diff shows only the tables it measured;
        // tables the calibration did not measure keep their entries verbatim, with a note of where they came from.
        var measured = c.Tables.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var (name, _) in previous.Declared)
            json[name] = measured.TryGetValue(name, out var table) ? TableJson(table, c.Statistical) : KeptJson(name, previous);
        foreach (var table in c.Tables.Where(t => !json.ContainsKey(t.Name)))
            json[table.Name] = TableJson(table, c.Statistical);
        return json;
    }

    // A partial calibration (--tables) measured some tables with its runs; the header still describes every table, so
    // it keeps what the previous file said of the others: when and where, which runs, which verdicts differed.
    private static string Calibrated(ToleranceCalibration c, ToleranceFile previous)
    {
        var now = $"{c.Date:yyyy-MM-dd} on {c.Machine}";
        if (!c.IsPartial || previous.AnnotationJson("$calibrated") is not { } before) return now;
        return $"{JsonNode.Parse(before)!.GetValue<string>()}; {string.Join(", ", c.Tables.Select(t => t.Name))} recalibrated {now}";
    }

    private static JsonObject Runs(ToleranceCalibration c, ToleranceFile previous)
    {
        var runs = c.IsPartial && previous.AnnotationJson("$runs") is { } before && JsonNode.Parse(before) is JsonObject kept ? kept : new JsonObject();
        foreach (var r in c.Runs) runs[r.Name] = r.Environment;
        return runs;
    }

    private static JsonNode NonNumeric(ToleranceCalibration c, ToleranceFile previous, IReadOnlyList<string> found)
    {
        var measured = c.Tables.Select(t => t.Name + " (").ToList();
        var kept = c.IsPartial && previous.AnnotationJson("$non_numeric_differences") is { } before && JsonNode.Parse(before) is JsonArray all
            ? all.Select(x => x!.GetValue<string>()).Where(x => !x.StartsWith('…') && !measured.Any(m => x.StartsWith(m, StringComparison.Ordinal))).ToList()
            : [];
        var list = kept.Concat(found).ToList();
        if (list.Count == 0)
            return $"none: every non-numeric cell (verdicts included) of {string.Join(", ", c.Tables.Select(t => t.Name))} was the same in every run";
        return new JsonArray(list.Take(20).Select(d => (JsonNode?)JsonValue.Create(d))
            .Concat(list.Count > 20 ? [JsonValue.Create($"… {list.Count - 20} more in {Folder}/non-numeric-differences.csv")] : []).ToArray());
    }

    private static JsonObject TableJson(TableSpread table, StatisticalRule statistical) =>
        table.IsSeedMeans ? SeedMeansJson(table, statistical) : ColumnsJson(table);

    private static JsonObject ColumnsJson(TableSpread table)
    {
        var entry = new JsonObject();
        if (table.Keys.Count > 0) entry["keys"] = Names(table.Keys);
        if (table.Columns.Count > 0)
            entry["columns"] = new JsonObject(table.Columns.Select(s => KeyValuePair.Create(s.Column, (JsonNode?)ColumnJson(s))));
        if (table.Declared.MaxTolerance.Count > 0) entry["maxTolerance"] = MaxToleranceJson(table.Declared);
        if (table.Declared.PerRow)
        {
            entry["perRow"] = true;
            var rows = new JsonObject();
            foreach (var row in table.Columns.SelectMany(c => c.Rows.Select(r => (c.Column, r.Row, r.Deviation, r.Tolerance))).GroupBy(r => Selector(r.Row)))
                rows[row.Key] = new JsonObject(row.Select(r =>
                {
                    var o = ToleranceJson(r.Tolerance);
                    o["$max_deviation"] = r.Deviation;
                    return KeyValuePair.Create(r.Column, (JsonNode?)o);
                }));
            entry["rows"] = rows;
        }
        return entry;
    }

    private static JsonObject SeedMeansJson(TableSpread table, StatisticalRule rule)
    {
        var entry = new JsonObject
        {
            ["$comment"] = string.Create(CultureInfo.InvariantCulture,
                $"compared {(table.Declared.MeanOver.Count > 0 ? $"as means over {string.Join(", ", table.Declared.MeanOver)}" : "row by row")}; each row's tolerance is {(table.Reference is null ? "t·√2·s̃ against the recorded run" : $"t·√(1 + 1/{table.ReferenceRuns})·s̃ against the verified reference, the mean of the {table.ReferenceRuns} runs")} (false-alarm rate {rule.FalseAlarm:G6} over m = {table.Checks} checked cells); per column, the prior the rows' sds were moderated with and the quantile: {Priors(table)}"),
            ["$false_alarm"] = rule.FalseAlarm,
            ["keys"] = Names(table.Declared.Keys),
        };
        if (table.Declared.MeanOver.Count > 0) entry["meanOver"] = Names(table.Declared.MeanOver);
        else entry["statistical"] = true;
        if (table.Declared.MaxTolerance.Count > 0) entry["maxTolerance"] = MaxToleranceJson(table.Declared);
        var rows = new JsonObject();
        foreach (var row in table.RowSpreads.GroupBy(r => Selector(r.Row)))
            rows[row.Key] = new JsonObject(row.Select(r => KeyValuePair.Create(r.Column, (JsonNode?)RowJson(r))));
        entry["rows"] = rows;
        return entry;
    }

    private static string Priors(TableSpread table) => string.Join("; ", table.Priors.Select(p =>
    {
        var quantile = table.RowSpreads.FirstOrDefault(r => r.Column == p.Key && !r.Deterministic)?.Quantile;
        var prior = p.Value.Df == 0 ? "no prior (fewer than three rows vary)" : $"d₀ = {Short(p.Value.Df)}, s₀ = {Short(Math.Sqrt(p.Value.Variance))}";
        return $"{p.Key}: {prior}, t = {(quantile is { } q ? Short(q) : "none (every row exact)")}";
    }));

    private static JsonObject RowJson(RowSpread r)
    {
        var o = ToleranceJson(r.Tolerance);
        if (r.Deterministic)
        {
            o["$exact"] = $"every one of the {r.RunMeans.Count} runs gave the same values: the floor";
            return o;
        }
        o["$sd"] = r.Sd;
        // A prior whose rows agree exactly (Smyth: d₀ = ∞) makes the sd known: JSON has no infinity, so it is written as text.
        o["$df"] = double.IsFinite(r.Df) ? r.Df : "infinite (the rows of the column agree: the sd is the prior's)";
        o["$runs"] = $"sd {Short(r.RunMeansSd)} of {r.RunMeans.Count} runs' means ({Short(r.RunMeans.Min())} to {Short(r.RunMeans.Max())}), moderated to {Short(r.Sd)} on {Short(r.Df)} degrees of freedom";
        o["$values"] = $"sd of all {r.RunMeans.Count * r.ValuesPerRun} values / √{r.ValuesPerRun} = {Short(r.ValuesSd)} (for the record)";
        if (r.IsBlind) o["$blind"] = $"the tolerance reaches the range of the column's means over the whole table ({Short(r.ValueRange)}): its check cannot fail";
        if (r.IsAboveMax) o["$above_max"] = $"wider than the table's maxTolerance {Short(r.MaxTolerance!.Value)}: it no longer guards the effects the claims rest on";
        return o;
    }

    /// <summary>A row as tolerances.json names it (<see cref="RowSelector"/>): key=value, comma-separated.</summary>
    internal static string Selector(RowKey row)
    {
        var bad = row.Values.FirstOrDefault(v => v.Contains(',') || v.Contains('='));
        if (bad is not null) throw new InvalidDataException($"row ({row}): the key value '{bad}' holds ',' or '=', so tolerances.json cannot name the row");
        return new RowSelector(row.Columns.Zip(row.Values).ToList()).ToString();
    }

    private static JsonObject KeptJson(string name, ToleranceFile previous)
    {
        var entry = JsonNode.Parse(previous.EntryJson(name)!)!.AsObject();
        if (entry.ContainsKey("$kept")) return entry;
        var runs = previous.AnnotationJson("$runs") is { } r ? string.Join(", ", JsonNode.Parse(r)!.AsObject().Select(p => p.Key)) : "not recorded";
        var calibrated = previous.AnnotationJson("$calibrated") is { } d ? JsonNode.Parse(d)!.GetValue<string>() : "not recorded";
        var kept = new JsonObject { ["$kept"] = $"not measured by this calibration: kept verbatim from the previous tolerances.json (calibrated {calibrated}, runs {runs})" };
        if (previous.AnnotationJson("$non_numeric_differences") is { } n && JsonNode.Parse(n) is JsonArray all)
        {
            var own = all.Select(x => x!.GetValue<string>()).Where(x => x.StartsWith(name + " (", StringComparison.Ordinal)).ToList();
            if (own.Count > 0) kept["$non_numeric_differences"] = new JsonArray(own.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray());
        }
        foreach (var (key, value) in entry.ToList())
        {
            entry.Remove(key);
            kept[key] = value;
        }
        return kept;
    }

    private static JsonArray Names(IEnumerable<string> names) => new(names.Select(k => (JsonNode?)JsonValue.Create(k)).ToArray());

    private static JsonObject MaxToleranceJson(TableTolerances t) => new(t.MaxTolerance.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value))));

    private static string Short(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    private static JsonObject ColumnJson(ColumnSpread s)
    {
        var column = ToleranceJson(s.Tolerance);
        column["$max_deviation"] = s.MaxDeviation;
        if (s.Rows.Count > 0) column["$rows"] = $"{s.Rows.Count} rows need more than the column's tolerance and have their own (rows)";
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

    /// <summary>One run's table as it will be kept in calibration/RUN/: its bytes, gzip-compressed when large.</summary>
    private sealed record TableCopy(string Run, string Table, byte[] Bytes, bool Compressed)
    {
        public void WriteInto(string folder)
        {
            Directory.CreateDirectory(Path.Combine(folder, Run));
            var plain = Path.Combine(folder, Run, Table + ".csv");
            var gzip = plain + CalibrationTables.GzipSuffix;
            AtomicFile.WriteAllBytes(Compressed ? gzip : plain, Bytes);
            // One form per table: a stale form beside the new one would be read in its place.
            File.Delete(Compressed ? plain : gzip);
        }
    }

    private static List<TableCopy> TableCopies(ToleranceCalibration c) =>
        c.Tables.SelectMany(table => c.Runs.Select(run =>
        {
            var text = CalibrationTables.ReadBytes(run.TablesDir, table.Name);
            return text.Length > MaxPlainTableBytes
                ? new TableCopy(run.Name, table.Name, CalibrationTables.Gzip(text), Compressed: true)
                : new TableCopy(run.Name, table.Name, text, Compressed: false);
        })).ToList();

    private static ResultTable Summary(ToleranceCalibration c)
    {
        var summary = new ResultTable("summary", "table", "column", "max_deviation", "row", "high_run", "high_value", "low_run", "low_value", "multiple", "floor", "tolerance",
            "value_range", "blind");
        foreach (var t in c.Tables)
            foreach (var s in t.Columns)
                summary.AddRow(t.Name, s.Column, s.MaxDeviation, s.Where?.ToString() ?? "", s.HighRun ?? "", s.Where is null ? "" : s.High,
                    s.LowRun ?? "", s.Where is null ? "" : s.Low, c.Rule.Multiple, c.Rule.Floor, s.Tolerance.Absolute, s.ValueRange, s.IsBlind ? "yes" : "no");
        return summary;
    }

    private static ResultTable StatisticalSummary(ToleranceCalibration c)
    {
        var summary = new ResultTable("statistical-summary", ["table", "row", "column", .. c.Runs.Select(r => $"mean_{r.Name}"), "values_per_run", "run_means_sd", "values_sd",
            "prior_df", "prior_sd", "sd", "df", "checks", "false_alarm", "quantile", "tolerance", "value_range", "max_tolerance", "cannot_fail", "exact"]);
        foreach (var t in c.Tables)
            foreach (var r in t.RowSpreads)
            {
                var prior = t.Priors.TryGetValue(r.Column, out var p) ? p : VariancePrior.None;
                summary.AddRow([t.Name, r.Row.ToString(), r.Column, .. r.RunMeans.Cast<object>(), r.ValuesPerRun, r.RunMeansSd, r.ValuesSd, prior.Df, Math.Sqrt(prior.Variance),
                    r.Sd, r.Df, t.Checks, c.Statistical.FalseAlarm, r.Quantile, r.Tolerance.Absolute, r.ValueRange, r.MaxTolerance?.ToString("R", CultureInfo.InvariantCulture) ?? "",
                    r.Problem, r.Deterministic ? "yes" : "no"]);
            }
        return summary;
    }

    private static ResultTable Disagreements(ToleranceCalibration c)
    {
        var table = new ResultTable("non-numeric-differences", ["table", "column", "row", .. c.Runs.Select(r => r.Name)]);
        foreach (var (name, d) in c.Disagreements) table.AddRow([name, d.Column, d.Row.ToString(), .. d.Values]);
        return table;
    }

    /// <summary>
    /// Writes a per-table record; a partial calibration first keeps the rows of the tables it did not measure from
    /// the file already there (matched by column name; a column the old file lacks is left blank).
    /// </summary>
    private static void WriteMerged(string path, ResultTable table, IReadOnlySet<string> measured, bool partial)
    {
        if (!partial || !File.Exists(path))
        {
            CsvTable.Write(path, table);
            return;
        }
        // The old file's columns (an earlier run's means stay with the rows it measured) and row order are kept: a
        // measured table's new rows take the place of its old ones, so the diff shows only what was measured.
        var old = CsvTable.ReadFile(path);
        var oldHeader = old.Header.ToList();
        var newHeader = table.Columns.Select(c => c.Name).ToList();
        var columns = oldHeader.Concat(newHeader.Where(n => !oldHeader.Contains(n))).ToList();
        var merged = new ResultTable(table.Name, columns.Select(n => table.Columns.FirstOrDefault(c => c.Name == n) ?? new TableColumn(n)));
        object?[] Cells(List<string> header, IReadOnlyList<object?> cells) =>
            columns.Select(c => header.IndexOf(c) is var i and >= 0 ? cells[i] : "").ToArray();
        var tableColumn = oldHeader.IndexOf("table");
        var newTableColumn = newHeader.IndexOf("table");
        var fresh = table.Rows.ToLookup(r => newTableColumn < 0 ? "" : Convert.ToString(r[newTableColumn], CultureInfo.InvariantCulture) ?? "");
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in old.Rows)
        {
            var name = tableColumn < 0 ? "" : row.Cells[tableColumn];
            if (!measured.Contains(name)) merged.AddRow(Cells(oldHeader, row.Cells));
            else if (written.Add(name))
                foreach (var r in fresh[name]) merged.AddRow(Cells(newHeader, r.ToArray()));
        }
        foreach (var group in fresh.Where(g => !written.Contains(g.Key)))
            foreach (var r in group) merged.AddRow(Cells(newHeader, r.ToArray()));
        CsvTable.Write(path, merged);
    }

    /// <summary>
    /// Each run's environment and how many cells it changed against the first run; a partial calibration keeps the
    /// rows of runs it did not repeat (their counts were taken against their own calibration's first run).
    /// </summary>
    private static void WriteRuns(string path, ToleranceCalibration c)
    {
        var column = $"cells_differing_from_{c.Runs[0].Name}";
        var names = c.Runs.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var old = c.IsPartial && File.Exists(path) ? CsvTable.ReadFile(path) : null;
        var kept = old?.Rows.Where(r => !names.Contains(r.Cells[0])).ToList() ?? [];
        // An older count column stays only while a row it counts for stays.
        var oldColumns = old?.Header.Skip(2).Where(h => h != column && kept.Any(r => r.Cells[old.Header.ToList().IndexOf(h)].Length > 0)).ToList() ?? [];
        var runs = new ResultTable("runs", ["run", "environment", .. oldColumns, column]);
        if (old is not null)
            foreach (var row in kept)
                runs.AddRow([row.Cells[0], row.Cells[1], .. oldColumns.Select(h => row.Cells[old.Header.ToList().IndexOf(h)]), old.Header.Contains(column) ? row.Cells[old.Header.ToList().IndexOf(column)] : ""]);
        for (var i = 0; i < c.Runs.Count; i++)
            runs.AddRow([c.Runs[i].Name, c.Runs[i].Environment, .. oldColumns.Select(_ => ""), i == 0 ? "" : c.Tables.Sum(t => t.CellsDifferingFromFirstRun[i])]);
        CsvTable.Write(path, runs);
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
