using System.CommandLine;
using System.Globalization;
using Repro.Experiments.Claims;
using Repro.Experiments.Stages;
using Repro.Reporting.Snapshots;
using Repro.Reporting.Snapshots.Calibration;
using Spectre.Console;

namespace Repro.Cli.Commands;

/// <summary>
/// <c>repro snapshot check|accept|calibrate</c>: compare a run's result tables with the verified snapshots of its
/// profile, (a person's decision, never CI's) promote the received files to verified, and measure tolerances from
/// runs that differ only in float rounding.
/// </summary>
internal static class SnapshotCommand
{
    public static Command Create()
    {
        var command = new Command("snapshot", "Compare result tables with verified snapshots (expected-results/<profile>/), or accept received ones.");
        command.Subcommands.Add(CreateCheck());
        command.Subcommands.Add(CreateAccept());
        command.Subcommands.Add(CreateCalibrate());
        return command;
    }

    private static Option<string> ProfileOption() => new("--profile") { Description = "experiment profile (paper, smoke, ci)", DefaultValueFactory = _ => "smoke" };

    private static Option<string> ExpectedOption() => new("--expected") { Description = "folder of verified snapshots", DefaultValueFactory = _ => "expected-results" };

    private static Command CreateCheck()
    {
        var profile = ProfileOption();
        var expected = ExpectedOption();
        var produced = new Option<string?>("--produced") { Description = "folder of the run's tables (default: artifacts/<profile>/tables)" };
        var command = new Command("check", "Check every .csv/.md table of a run against its verified snapshot; writes *.received.* on a difference.") { profile, expected, produced };
        command.SetAction(parse =>
        {
            var p = parse.GetValue(profile)!;
            var store = new SnapshotStore(parse.GetValue(expected)!);
            IReadOnlyList<SnapshotResult> results;
            try
            {
                results = store.CheckDirectory(p, parse.GetValue(produced) ?? Path.Combine("artifacts", p, "tables"));
            }
            catch (Exception e) when (e is InvalidDataException or DirectoryNotFoundException or FileNotFoundException or ArgumentException)
            {
                AnsiConsole.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
                return 2;
            }
            var producedDir = parse.GetValue(produced) ?? Path.Combine("artifacts", p, "tables");
            // The claims are judged as the Claims tests judge them: a verdict moving to or from inconclusive within the
            // tolerances is what an interval touching the threshold means, not a difference.
            var claims = results.FirstOrDefault(r => !r.IsMatch && r.Name == ReportStage.ClaimsTable && r.FileName.EndsWith(".csv", StringComparison.Ordinal));
            var claimProblems = claims is null ? null : ClaimProblems(store, p, producedDir);
            bool Passes(SnapshotResult r) => r.Passes || (ReferenceEquals(r, claims) && claimProblems is { Count: 0 });
            if (claims is not null && claimProblems is { Count: 0 })
                File.Delete(Path.Combine(store.ProfileDirectory(p), SnapshotFiles.ReceivedFile(ReportStage.ClaimsTable, ".csv")));
            var table = new Table().Border(TableBorder.Simple).AddColumn("Snapshot").AddColumn("Status");
            foreach (var r in results)
                table.AddRow(Markup.Escape(r.FileName), r.IsMatch ? "[green]match[/]" : r.Status == SnapshotStatus.Pending ? "[yellow]pending: not recorded yet[/]" : Passes(r) ? "[green]match (the claim rule: verdicts within their tolerances)[/]" : $"[red]{r.Status}[/]");
            AnsiConsole.Write(table);
            foreach (var r in results.Where(r => r.Status == SnapshotStatus.Pending)) AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(r.Describe())}[/]");
            foreach (var r in results.Where(r => !Passes(r)))
            {
                Console.WriteLine();
                Console.WriteLine(ReferenceEquals(r, claims) && claimProblems is { Count: > 0 } ? string.Join(Environment.NewLine, claimProblems) + Environment.NewLine + r.Describe() : r.Describe());
            }
            var failed = results.Count(r => !Passes(r));
            AnsiConsole.MarkupLine(failed == 0
                ? $"[green]{results.Count} snapshot(s) pass{(results.Any(r => r.Status == SnapshotStatus.Pending) ? $" ({results.Count(r => r.Status == SnapshotStatus.Pending)} pending)" : "")}.[/]"
                : $"[red]{failed} of {results.Count} snapshot(s) differ.[/]");
            return failed == 0 ? 0 : 1;
        });
        return command;
    }

    /// <summary>What the claim rule (<see cref="ClaimRegression"/>) finds between the recorded claims and the run's; null when a file lacks.</summary>
    private static IReadOnlyList<string>? ClaimProblems(SnapshotStore store, string profile, string producedDir)
    {
        var verified = Path.Combine(store.ProfileDirectory(profile), SnapshotFiles.VerifiedFile(ReportStage.ClaimsTable, ".csv"));
        var obtained = Path.Combine(producedDir, ReportStage.ClaimsTable + ".csv");
        if (!File.Exists(verified) || !File.Exists(obtained)) return null;
        var recorded = RecordedClaim.ReadAll(verified);
        var now = RecordedClaim.ReadAll(obtained);
        if (!recorded.Keys.Order().SequenceEqual(now.Keys.Order())) return null; // claims added or dropped: the table's own differences say which
        var tolerances = store.Tolerances(profile).For(ReportStage.ClaimsTable);
        return now.Values.Select(c => ClaimRegression.Check(recorded[c.Id], c, tolerances)).OfType<string>().ToList();
    }

    private static Command CreateAccept()
    {
        var profile = ProfileOption();
        var expected = ExpectedOption();
        var name = new Option<string?>("--name") { Description = "accept only this snapshot (default: every received file of the profile)" };
        var command = new Command("accept", "Promote received snapshots to verified (refused when CI is set).") { profile, expected, name };
        command.SetAction(parse =>
        {
            var store = new SnapshotStore(parse.GetValue(expected)!);
            try
            {
                var accepted = store.Accept(parse.GetValue(profile)!, parse.GetValue(name));
                if (accepted.Count == 0) AnsiConsole.MarkupLine("Nothing to accept: no received files.");
                foreach (var path in accepted) AnsiConsole.MarkupLine($"accepted [green]{Markup.Escape(path)}[/]");
                return 0;
            }
            catch (Exception e) when (e is SnapshotAcceptRefusedException or FileNotFoundException or ArgumentException)
            {
                AnsiConsole.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
                return 2;
            }
        });
        return command;
    }

    private static Command CreateCalibrate()
    {
        var profile = ProfileOption();
        var expected = ExpectedOption();
        var runs = new Option<string[]>("--run") { Description = "NAME=TABLES_DIR of one calibration run (repeatable, at least two; the first is the reference)", DefaultValueFactory = _ => [] };
        var environments = new Option<string[]>("--environment") { Description = "NAME=TEXT: the environment run NAME ran under, for the record (repeatable)", DefaultValueFactory = _ => [] };
        var kept = new Option<string[]>("--kept")
        {
            Description = "NAME of a run an earlier calibration kept in expected-results/<profile>/calibration/NAME (comma-separated or repeated; they come first, "
                          + "with the environment recorded for them): add new runs to old ones without rerunning those",
            DefaultValueFactory = _ => [], AllowMultipleArgumentsPerToken = true,
        };
        var multiple = new Option<double>("--multiple") { Description = "tolerance = multiple × the largest difference between runs", DefaultValueFactory = _ => ToleranceRule.Default.Multiple };
        var floor = new Option<double>("--floor") { Description = "the smallest absolute tolerance", DefaultValueFactory = _ => ToleranceRule.Default.Floor };
        var recalibrate = new Option<string?>("--recalibrate-command") { Description = "the command that reproduces this calibration, quoted in tolerances.json" };
        var falseAlarm = new Option<double>("--false-alarm")
            { Description = "tables compared as seed means (meanOver): the chance a run that changed nothing fails the table, split over its checked cells", DefaultValueFactory = _ => StatisticalRule.Default.FalseAlarm };
        var allowBlind = new Option<bool>("--allow-blind")
            { Description = "write row tolerances that cannot fail (blind, or above the table's maxTolerance) instead of refusing; they are marked $blind / $above_max" };
        var tables = new Option<string[]>("--tables")
            { Description = "calibrate only these tables (comma-separated or repeated); the others keep their entries and records", DefaultValueFactory = _ => [], AllowMultipleArgumentsPerToken = true };
        var command = new Command("calibrate", "Write expected-results/<profile>/tolerances.json from the spread of runs that differ only in float rounding, and keep the runs' numbers beside it.")
            { profile, expected, runs, environments, kept, multiple, floor, recalibrate, falseAlarm, allowBlind, tables };
        command.SetAction(parse =>
        {
            try
            {
                var name = parse.GetValue(profile)!;
                var store = new SnapshotStore(parse.GetValue(expected)!);
                var described = parse.GetValue(environments)!.Select(Pair).ToDictionary(p => p.Name, p => p.Value);
                var previous = store.Tolerances(name);
                var keptRuns = parse.GetValue(kept)!.SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    .Select(k => KeptRun(store.ProfileDirectory(name), previous, k, described.GetValueOrDefault(k)));
                var calibrationRuns = keptRuns.Concat(parse.GetValue(runs)!.Select(Pair)
                    .Select(p => new CalibrationRun(p.Name, described.GetValueOrDefault(p.Name, "not recorded"), p.Value))).ToList();
                foreach (var r in calibrationRuns) SnapshotFiles.ValidateName(r.Name);
                var only = parse.GetValue(tables)!.SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
                var calibration = ToleranceCalibration.Measure(calibrationRuns, previous, new ToleranceRule(parse.GetValue(multiple), parse.GetValue(floor)),
                    new StatisticalRule(parse.GetValue(falseAlarm), parse.GetValue(floor)), only.Count > 0 ? only : null,
                    MachineDescription.Current(), DateOnly.FromDateTime(DateTime.UtcNow));
                var cannotFail = calibration.CannotFail.ToList();
                if (cannotFail.Count > 0) PrintCannotFail(calibration, cannotFail, parse.GetValue(allowBlind));
                var dir = store.ProfileDirectory(name);
                try
                {
                    CalibrationWriter.Write(dir, calibration, previous, parse.GetValue(recalibrate) ?? $"./build.sh --target Calibrate --profile {name}", parse.GetValue(allowBlind));
                }
                catch (CalibrationRefusedException)
                {
                    return 3; // listed above
                }
                Print(calibration, VerifiedSnapshotCheck.Compare(dir, calibration), dir);
                return 0;
            }
            catch (Exception e) when (e is InvalidDataException or DirectoryNotFoundException or FileNotFoundException or ArgumentException)
            {
                AnsiConsole.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
                return 2;
            }
        });
        return command;
    }

    /// <summary>Row tolerances that cannot fail: the reason calibrate refuses (or, with --allow-blind, what it marked).</summary>
    private static void PrintCannotFail(ToleranceCalibration calibration, IReadOnlyList<(string Table, RowSpread Row)> rows, bool written)
    {
        string N(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
        AnsiConsole.MarkupLine(written
            ? $"[yellow]Finding: {rows.Count} row tolerance(s) cannot fail on the changes they guard; written anyway (--allow-blind) and marked $blind / $above_max:[/]"
            : $"[red]Refusing to write tolerances.json: {rows.Count} row tolerance(s) cannot fail on the changes they guard (the profile's seeds or runs are too few for the "
              + $"false-alarm rate {N(calibration.Statistical.FalseAlarm)}). Nothing was written; --allow-blind writes them marked $blind / $above_max.[/]");
        var table = new Table().Border(TableBorder.Simple).AddColumn("Table").AddColumn("Row").AddColumn("Column").AddColumn(new TableColumn("Tolerance").RightAligned())
            .AddColumn(new TableColumn("Range of means").RightAligned()).AddColumn(new TableColumn("maxTolerance").RightAligned()).AddColumn("Why");
        foreach (var (name, r) in rows)
            table.AddRow(Markup.Escape(name), Markup.Escape(r.Row.ToString()), Markup.Escape(r.Column), N(r.Tolerance.Absolute), N(r.ValueRange),
                r.MaxTolerance is { } max ? N(max) : "", r.Problem);
        AnsiConsole.Write(table);
    }

    /// <summary>A run kept in calibration/NAME by an earlier calibration, under the environment --environment gives or tolerances.json recorded for it.</summary>
    private static CalibrationRun KeptRun(string profileDir, ToleranceFile previous, string name, string? environment)
    {
        SnapshotFiles.ValidateName(name);
        var dir = Path.Combine(profileDir, CalibrationWriter.Folder, name);
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"--kept {name}: no kept run {dir}");
        var recorded = previous.AnnotationJson("$runs") is { } json && System.Text.Json.Nodes.JsonNode.Parse(json) is System.Text.Json.Nodes.JsonObject all
            && all[name] is { } node ? node.GetValue<string>() : "not recorded";
        return new CalibrationRun(name, environment ?? recorded, dir);
    }

    private static (string Name, string Value) Pair(string text)
    {
        var eq = text.IndexOf('=');
        if (eq <= 0) throw new ArgumentException($"'{text}': expected NAME=VALUE");
        return (text[..eq], text[(eq + 1)..]);
    }

    private static void Print(ToleranceCalibration calibration, IReadOnlyList<VerifiedComparison> verified, string dir)
    {
        string N(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
        var runs = new Table().Border(TableBorder.Simple).AddColumn("Run").AddColumn("Environment").AddColumn(new TableColumn($"Cells ≠ {calibration.Runs[0].Name}").RightAligned());
        for (var i = 0; i < calibration.Runs.Count; i++)
        {
            var differing = calibration.Tables.Sum(t => t.CellsDifferingFromFirstRun[i]);
            // A perturbation that changed nothing measured nothing: say so, it may not apply on this machine.
            runs.AddRow(Markup.Escape(calibration.Runs[i].Name), Markup.Escape(calibration.Runs[i].Environment),
                i == 0 ? "" : differing == 0 ? "[yellow]0 (no effect here)[/]" : differing.ToString(CultureInfo.InvariantCulture));
        }
        AnsiConsole.Write(runs);
        if (RerunCoverage.Measure(calibration.Runs) is { } coverage)
            AnsiConsole.MarkupLine($"Claim intervals: a rerun's value inside another run's interval in {coverage.Inside} of {coverage.Pairs} pairs of runs × claims " +
                $"({coverage.Share.ToString("P0", CultureInfo.InvariantCulture)}; built for 95 %); least covered: " +
                Markup.Escape(string.Join(", ", coverage.PerClaim.OrderBy(c => c.Inside / (double)c.Pairs).Take(3).Select(c => $"{c.Claim} {c.Inside}/{c.Pairs}"))));

        var columns = new Table().Border(TableBorder.Simple).AddColumn("Table").AddColumn("Column").AddColumn(new TableColumn("Max deviation").RightAligned())
            .AddColumn("Where").AddColumn(new TableColumn("Tolerance").RightAligned());
        foreach (var t in calibration.Tables)
            foreach (var s in t.Columns)
                columns.AddRow(Markup.Escape(t.Name), Markup.Escape(s.Column), N(s.MaxDeviation),
                    Markup.Escape(s.Where is null ? "(all runs equal)" : $"{s.Where}: {s.HighRun} vs {s.LowRun}"), N(s.Tolerance.Absolute));
        AnsiConsole.Write(columns);
        foreach (var t in calibration.Tables.Where(t => t.RowSpreads.Count > 0))
        {
            AnsiConsole.MarkupLine($"{Markup.Escape(t.Name)}: seed means over {Markup.Escape(string.Join(", ", t.Declared.MeanOver))}, {t.Rows} rows, {t.Checks} checked cells at false-alarm rate {N(calibration.Statistical.FalseAlarm)}; "
                + string.Join(", ", t.Priors.Select(p => $"{p.Key}: prior d₀ = {N(p.Value.Df)}, t = {N(t.RowSpreads.FirstOrDefault(r => r.Column == p.Key && !r.Deterministic)?.Quantile ?? double.NaN)}")));
            var rows = new Table().Border(TableBorder.Simple).AddColumn("Column").AddColumn(new TableColumn("Min").RightAligned()).AddColumn(new TableColumn("Median").RightAligned())
                .AddColumn(new TableColumn("Max").RightAligned()).AddColumn(new TableColumn("Range of means").RightAligned()).AddColumn(new TableColumn("Cannot fail").RightAligned());
            foreach (var column in t.RowSpreads.GroupBy(r => r.Column))
            {
                var tolerances = column.Select(r => r.Tolerance.Absolute).Order().ToList();
                rows.AddRow(Markup.Escape(column.Key), N(tolerances[0]), N(tolerances[tolerances.Count / 2]), N(tolerances[^1]), N(column.First().ValueRange),
                    column.Count(r => r.CannotFail).ToString(CultureInfo.InvariantCulture));
            }
            AnsiConsole.Write(rows);
        }

        var disagreements = calibration.Disagreements.ToList();
        if (disagreements.Count == 0)
            AnsiConsole.MarkupLine("[green]Every non-numeric cell (verdicts included) was the same in every run.[/]");
        else
        {
            AnsiConsole.MarkupLine($"[yellow]Finding: {disagreements.Count} non-numeric cell(s) differ between runs — a tolerance cannot cover them (a verdict that flips with float rounding is fragile):[/]");
            var table = new Table().Border(TableBorder.Simple).AddColumn("Table").AddColumn("Row").AddColumn("Column");
            foreach (var r in calibration.Runs) table.AddColumn(Markup.Escape(r.Name));
            foreach (var (name, d) in disagreements)
                table.AddRow([Markup.Escape(name), Markup.Escape(d.Row.ToString()), Markup.Escape(d.Column), .. d.Values.Select(Markup.Escape)]);
            AnsiConsole.Write(table);
        }

        var blind = calibration.Tables.SelectMany(t => t.Columns.Where(s => s.IsBlind).Select(s => $"{t.Name}.{s.Column}")).ToList();
        if (blind.Count > 0)
            AnsiConsole.MarkupLine($"[yellow]Finding: float rounding alone moves {blind.Count} column(s) across their whole range, so their tolerance admits any value and their check cannot catch a change: {Markup.Escape(string.Join(", ", blind))}[/]");
        var unkeyed = calibration.Tables.Where(t => t.Keys.Count == 0).Select(t => t.Name).ToList();
        if (unkeyed.Count > 0)
            AnsiConsole.MarkupLine($"[yellow]Rows matched by position (no keys declared in tolerances.json), and key-like columns got tolerances: {Markup.Escape(string.Join(", ", unkeyed))}. Declare their keys and recalibrate.[/]");

        AnsiConsole.MarkupLine("Each run against the verified snapshots, with the new tolerances:");
        var check = new Table().Border(TableBorder.Simple).AddColumn("Table");
        foreach (var r in calibration.Runs) check.AddColumn(Markup.Escape(r.Name));
        foreach (var table in verified.GroupBy(v => v.Table))
            check.AddRow([Markup.Escape(table.Key), .. table.Select(v => v.IsMatch ? "[green]match[/]" : $"[yellow]{Markup.Escape(v.Outcome)}[/]")]);
        AnsiConsole.Write(check);
        var reference = calibration.Runs[0].Name;
        if (verified.Any(v => v.Run == reference && v.HasVerified && !v.IsMatch))
            AnsiConsole.MarkupLine($"[yellow]The reference run ({Markup.Escape(reference)}) differs from the verified snapshots: they predate this build (or another machine made them). Check the profile, accept its tables, then recalibrate.[/]");
        else if (verified.Any(v => v.HasVerified && !v.IsMatch))
            AnsiConsole.MarkupLine($"[yellow]The reference run matches the verified snapshots; other runs differ from them only where a tolerance cannot reach: the non-numeric differences above.[/]");
        AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(Path.Combine(dir, SnapshotStore.ToleranceFileName))}[/] and [green]{Markup.Escape(Path.Combine(dir, CalibrationWriter.Folder))}/[/]");
    }
}
