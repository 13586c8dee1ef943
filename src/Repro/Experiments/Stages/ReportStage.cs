using System.Globalization;
using System.Text;
using System.Text.Json;
using Repro.Experiments.Claims;
using Repro.Reporting.Plots;
using Repro.Reporting.Tables;
using Repro.Statistics;
using Repro.Torch.IO;

namespace Repro.Experiments.Stages;

/// <summary>
/// The run's result tables (tables/*.csv, the files snapshots compare) and artifacts/PROFILE/report.md: the settings,
/// every table, every plot, and the claims table — claim, paper value, measured value, verdict.
/// </summary>
public sealed class ReportStage(string repoRoot) : SingleTaskStage
{
    public const string ClaimsTable = "claims";

    /// <summary>The claims table as a figure, in this stage's folder (the plot stage runs before the claims are judged).</summary>
    public const string ClaimsFigure = "claims-intervals";

    public override string Name => "report";
    public override IReadOnlyList<string> DependsOn => ["evaluate", "analyze", "plot"];
    public override StageCode Code => new("report.12", ["Reporting/Tables", "Similarity/LayerSegments.cs", "Reporting/Plots", "Experiments/Claims", "Statistics", "Experiments/ProtocolDepartures.cs", "Experiments/Stages/ReportStage.cs", "Experiments/Stages/MapBlocksTable.cs", "Experiments/Stages/ClassApTable.cs", "Experiments/Stages/StudyResultsReader.cs", "Experiments/Stages/StudyModels.cs"]);

    // The report prints the whole profile (paths as written, with their ${VARS}) and what was overridden.
    public override object Settings(Profile profile) => new { Profile = profile, Overrides = profile.Overrides.Select(o => o.ToString()) };

    // The claims file: a changed threshold re-judges the run; the paper profile: the departures from it are listed.
    public override IReadOnlyList<ExternalInput> ExternalInputs(StudyContext context) =>
    [
        new("claims", ClaimsPath(repoRoot)),
        .. File.Exists(PaperProfilePath(repoRoot)) ? [new ExternalInput("paper profile", PaperProfilePath(repoRoot))] : Array.Empty<ExternalInput>(),
    ];

    private static string PaperProfilePath(string repoRoot) => Path.Combine(repoRoot, "experiments", "profiles", "paper.json");

    public static string ClaimsPath(string repoRoot) => Path.Combine(repoRoot, "expected-results", "paper-claims.json");

    public static string TablesDir(StudyContext context) => Path.Combine(context.ArtifactsDir, "tables");

    public override void Run(StudyContext context)
    {
        var tables = TablesDir(context);
        if (Directory.Exists(tables)) Directory.Delete(tables, recursive: true);
        Directory.CreateDirectory(tables);
        var analyze = context.StageDir("analyze");
        // The stage outputs that are result tables, under the names snapshots know them by.
        File.Copy(Path.Combine(context.StageDir("evaluate"), EvaluateStage.MapTable), Path.Combine(tables, "table2-map.csv"));
        File.Copy(Path.Combine(context.StageDir("evaluate"), EvaluateStage.ApPerClassTable), Path.Combine(tables, "table2-ap-per-class.csv"));
        CsvTable.Write(Path.Combine(tables, $"{ClassApTable.Name}.csv"),
            ClassApTable.Of(StudyResultsReader.Rows(Path.Combine(context.StageDir("evaluate"), EvaluateStage.ApPerClassTable))));
        File.Copy(Path.Combine(analyze, AnalyzeStage.MeansTable), Path.Combine(tables, "table5-cka-means.csv"));
        File.Copy(Path.Combine(analyze, AnalyzeStage.StatisticsTable), Path.Combine(tables, "tables3-4-activation-stats.csv"));
        File.Copy(Path.Combine(analyze, AnalyzeStage.PerLayerTable), Path.Combine(tables, "cka-per-layer.csv"));

        var results = StudyResultsReader.Read(context);
        CsvTable.Write(Path.Combine(tables, $"{MapBlocksTable.Name}.csv"), MapBlocksTable.Of(results.Matrices));
        var verdicts = Judge(context, results);
        var claims = new ResultTable(ClaimsTable, "id", "verdict", "value", "lower", "upper", "control");
        foreach (var (_, v) in verdicts) claims.AddRow(v.Id, v.Decision.Text(), v.Margin.Value, v.Margin.Lower, v.Margin.Upper, Verdict.ControlText(v.Control));
        CsvTable.Write(Path.Combine(tables, $"{ClaimsTable}.csv"), claims);
        DrawClaims(verdicts, context.StageDir(Name));

        AtomicFile.WriteAllText(Path.Combine(context.ArtifactsDir, "report.md"), Markdown(context, results, verdicts));
    }

    /// <summary>Draws the judged claims, margin and interval each, as <see cref="ClaimsFigure"/>.svg and .png in <paramref name="dir"/>.</summary>
    public static void DrawClaims(IReadOnlyList<(ClaimSpec Claim, Verdict Verdict)> verdicts, string dir)
    {
        using var figure = ClaimIntervalsFigure.Create("Claims: margin to the threshold with its 95% interval",
            verdicts.Select(v => new ClaimInterval(v.Verdict.Id, v.Verdict.Margin.Value, v.Verdict.Margin.Lower, v.Verdict.Margin.Upper, v.Verdict.Status)).ToList());
        figure.Save(dir, ClaimsFigure);
    }

    /// <summary>Every claim of expected-results/paper-claims.json judged on the run, at the primary analysis size.</summary>
    public static IReadOnlyList<(ClaimSpec Claim, Verdict Verdict)> Judge(StudyContext context, StudyResults results)
    {
        var evaluator = new ClaimEvaluator(results, context.Profile.Analysis.Sizes[0]) 
        {
            MapTiles = StudyResultsReader.ReadMapTiles(context),
            ActivationReplicates = StudyResultsReader.ReadActivationReplicates(context),
        };
        return ClaimSpec.Load(ClaimsPath(context.RepoRoot))
            .Select(c =>
            {
                try { return (c, evaluator.Evaluate(c)); }
                catch (KeyNotFoundException e)
                {
                    // No evidence either way; the NaN value fails any recorded value's tolerance.
                    return (c, new Verdict(c.Id, Decision.Inconclusive, new Estimate(double.NaN, double.NaN, double.NaN), ControlOutcome.NotApplicable,
                        $"not measurable: {e.Message}", "", ""));
                }
            }).ToList();
    }

    /// <summary>Each class's AP as the mean over seeds, a row per model and test set, from evaluate's ap-per-class.csv.</summary>
    private static ResultTable ApPerClass(StudyContext context)
    {
        var rows = StudyResultsReader.Rows(Path.Combine(context.StageDir("evaluate"), EvaluateStage.ApPerClassTable)).ToList();
        var classes = rows.Select(r => r["class"]).Distinct().ToList();
        var table = new ResultTable("ap-per-class", [new("model"), new("test set"), .. classes.Select(c => new TableColumn(c, "F3"))]);
        foreach (var g in rows.GroupBy(r => (Model: r["model"], TestSet: r["test_set"])))
            table.AddRow([g.Key.Model, g.Key.TestSet, .. classes.Select(c => (object?)g.Where(r => r["class"] == c).Average(r => StudyResultsReader.Num(r["ap"])))]);
        // The class's AP over the whole study (table2-ap-by-class, averaged over seeds): what a bug that costs one class everywhere moves.
        var overall = ClassApTable.Of(rows).Rows.GroupBy(r => (string)r[0]!).ToDictionary(g => g.Key, g => g.Average(r => (double)r[2]!));
        table.AddRow(["all", "both", .. classes.Select(c => (object?)overall[c])]);
        return table;
    }

    private static string Mark(Verdict v) => v.Decision switch
    {
        Decision.Holds => v.IsEvidence ? "✅" : "☑️",
        Decision.DoesNotHold => "❌",
        _ => "❔",
    };

    private static string Markdown(StudyContext context, StudyResults results, IReadOnlyList<(ClaimSpec Claim, Verdict Verdict)> verdicts)
    {
        var p = context.Profile;
        var md = new StringBuilder();
        md.AppendLine($"# Repro report — profile `{p.Name}`");
        md.AppendLine();
        md.AppendLine($"{p.Description}. Paper: *Object Detector Differences when using Synthetic and Real Training Data*.");
        md.AppendLine();
        var all = verdicts.Select(v => v.Verdict).ToList();
        md.AppendLine($"Claims reproduced: **{all.Count(v => v.IsEvidence)} of {all.Count}** hold as evidence; " +
                      $"{all.Count(v => v.Holds && !v.IsEvidence)} hold but also for the untrained control or by construction, " +
                      $"{all.Count(v => v.Decision == Decision.Inconclusive)} are inconclusive, {all.Count(v => v.Decision == Decision.DoesNotHold)} do not hold.");
        md.AppendLine();
        md.AppendLine("## Claims");
        md.AppendLine();
        md.AppendLine("Each claim is a signed margin to its threshold (positive: it holds), per seed (or pair of seeds). A claim is made for " +
                      "every seed, so the value is the worst seed's margin, and its 95% interval is that minimum's, recomputed on every " +
                      "bootstrap replicate of the images (resampled jointly for all comparisons); what is not resampled has a point. " +
                      "Holds: every seed clears 0; does not hold: some seed is clearly " +
                      "below; inconclusive: the interval straddles 0. Control: the " +
                      "same claim with the untrained network in place of a trained model.");
        md.AppendLine();
        var claims = new ResultTable("claims", "id", "claim", "paper", "measured", "threshold", "margin", "95% interval", "over", "verdict", "control");
        foreach (var (c, v) in verdicts)
            claims.AddRow(c.Id, c.Text, c.Paper, v.Measured, v.Expected, ClaimStatistic.Signed(v.Margin.Value),
                string.Create(CultureInfo.InvariantCulture, $"[{ClaimStatistic.Signed(v.Margin.Lower)}, {ClaimStatistic.Signed(v.Margin.Upper)}]"), v.Uncertainty,
                $"{Mark(v)} {v.Status}", Verdict.ControlText(v.Control));
        md.AppendLine(MarkdownTable.Render(claims));
        md.AppendLine();
        md.AppendLine($"![claims: margins and intervals](report/{ClaimsFigure}.svg)");
        md.AppendLine();
        md.AppendLine("## Table 2: mAP@0.5");
        md.AppendLine();
        var map = new ResultTable("map", [new TableColumn("model"), new TableColumn("test set"), .. p.Seeds.Select(s => new TableColumn($"seed {s}", "F3")), new TableColumn("mean", "F3")]);
        foreach (var model in StudyModels.All)
            foreach (var test in new[] { DataStage.Real, DataStage.Synthetic })
                map.AddRow([model, test, .. p.Seeds.Select(s => (object?)results.Maps.Single(m => m.Model == model && m.Seed == s && m.TestSet == test).Map), results.Map(model, test)]);
        md.AppendLine(MarkdownTable.Render(map));
        md.AppendLine();
        md.AppendLine("![mAP](plot/map.svg)");
        md.AppendLine();
        md.AppendLine("AP per class, mean over seeds (a class no test image holds has none); the last row averages the six above:");
        md.AppendLine();
        md.AppendLine(MarkdownTable.Render(ApPerClass(context)));
        md.AppendLine();
        md.AppendLine($"## Table 5: mean CKA ({p.Analysis.Sizes[0]}×{p.Analysis.Sizes[0]}, {p.Analysis.Images} real test images, 95% bootstrap intervals)");
        md.AppendLine();
        var means = new ResultTable("means", [new("comparison"), new("seeds"), new TableColumn("all", "F3"), new("all CI"), new TableColumn("backbone", "F3"),
            new("backbone CI"), new TableColumn("head", "F3"), new("head CI")]);
        var rows = StudyResultsReader.Rows(Path.Combine(context.StageDir("analyze"), AnalyzeStage.MeansTable))
            .Where(r => StudyResultsReader.Int(r["size"]) == p.Analysis.Sizes[0])
            .GroupBy(r => (r["model_a"], r["seed_a"], r["model_b"], r["seed_b"]));
        foreach (var g in rows)
        {
            var parts = g.ToDictionary(r => r["part"]);
            string Ci(string part) => double.IsNaN(StudyResultsReader.Num(parts[part]["lower"])) ? "" :
                string.Create(CultureInfo.InvariantCulture, $"[{StudyResultsReader.Num(parts[part]["lower"]):F3}, {StudyResultsReader.Num(parts[part]["upper"]):F3}]");
            means.AddRow($"{g.Key.Item1} vs {g.Key.Item3}", $"{g.Key.Item2} / {g.Key.Item4}", StudyResultsReader.Num(parts["all"]["mean"]), Ci("all"),
                StudyResultsReader.Num(parts["backbone"]["mean"]), Ci("backbone"), StudyResultsReader.Num(parts["head"]["mean"]), Ci("head"));
        }
        md.AppendLine(MarkdownTable.Render(means));
        md.AppendLine();
        md.AppendLine("## Figures");
        md.AppendLine();
        foreach (var svg in Directory.EnumerateFiles(context.StageDir("plot"), "*.svg").Order(StringComparer.Ordinal))
            md.AppendLine($"![{Path.GetFileNameWithoutExtension(svg)}](plot/{Path.GetFileName(svg)})").AppendLine();
        md.AppendLine("## Tables 3–4: activation statistics over all layers");
        md.AppendLine();
        var stats = new ResultTable("stats", [new("model"), new("seed"), new("size"), new TableColumn("mean", "F4"), new TableColumn("std", "F4"),
            new TableColumn("min", "F3"), new TableColumn("max", "F3"), new TableColumn("median", "F4"), new TableColumn("zeros", "P2"), new TableColumn("negatives", "P2")]);
        foreach (var (model, seed, size, s) in results.Activations) stats.AddRow(model, seed, size, s.Mean, s.Std, s.Min, s.Max, s.Median, s.FractionZeros, s.FractionNegatives);
        md.AppendLine(MarkdownTable.Render(stats));
        md.AppendLine();
        md.AppendLine("## Settings");
        md.AppendLine();
        // A run with replaced settings (repro study run --set) is not the profile as committed: say so first.
        if (p.Overrides.Count > 0)
        {
            md.AppendLine($"Overridden for this run (not the profile as written): {string.Join(", ", p.Overrides.Select(o => $"`{o}`"))}.");
            md.AppendLine();
        }
        if (p.Name != "paper" && File.Exists(Path.Combine(context.RepoRoot, "experiments", "profiles", "paper.json")))
        {
            md.AppendLine("Where this profile departs from the paper's protocol (the `paper` profile):");
            md.AppendLine();
            var departures = new ResultTable("departures", "setting", "paper", p.Name);
            foreach (var d in ProtocolDepartures.Between(Profile.Named(context.RepoRoot, "paper"), p)) departures.AddRow($"`{d.Setting}`", d.Paper, d.Profile);
            md.AppendLine(MarkdownTable.Render(departures));
            md.AppendLine();
        }
        md.AppendLine("```json");
        md.AppendLine(JsonSerializer.Serialize(p, new JsonSerializerOptions { WriteIndented = true }));
        md.AppendLine("```");
        return md.ToString();
    }
}
