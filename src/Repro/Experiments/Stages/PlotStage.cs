using Repro.Experiments.Claims;
using Repro.Reporting.Plots;

namespace Repro.Experiments.Stages;

/// <summary>
/// The figures, as SVG: per-layer CKA curves per seed with intervals (Figs 4–5), across seeds (Fig 6), across input
/// sizes (Figs 11–12), layer × layer maps (Figs 7–10), training curves, and mAP bars (Table 2).
/// </summary>
public sealed class PlotStage : Stage
{
    public override string Name => "plot";
    public override IReadOnlyList<string> DependsOn => ["evaluate", "analyze"];

    public override object Settings(Profile profile) => new { profile.Analysis.Sizes };

    public override void Run(StudyContext context)
    {
        var dir = context.StageDir(Name);
        var results = StudyResultsReader.Read(context);
        var seeds = context.Profile.Seeds;
        var primary = context.Profile.Analysis.Sizes[0];
        var kinds = results.Layers;
        var markers = new List<LayerMarkers>
        {
            new("shortcut", MarkerShape.Circle, kinds.Shortcut.ToList()),
            new("route", MarkerShape.Square, kinds.Route.ToList()),
            new("yolo", MarkerShape.TriangleUp, kinds.Yolo.ToList()),
        };
        var intervals = StudyResultsReader.Rows(Path.Combine(context.StageDir("analyze"), AnalyzeStage.PerLayerTable)).ToList();
        LineSeries Series(string a, int sa, string b, int sb, int size, string? name = null)
        {
            var rows = intervals.Where(r => r["model_a"] == a && r["model_b"] == b && StudyResultsReader.Int(r["seed_a"]) == sa
                                            && StudyResultsReader.Int(r["seed_b"]) == sb && StudyResultsReader.Int(r["size"]) == size)
                .OrderBy(r => StudyResultsReader.Int(r["layer"])).ToList();
            var lower = rows.Select(r => StudyResultsReader.Num(r["lower"])).ToList();
            return new LineSeries(name ?? $"{a} vs {b}", rows.Select(r => StudyResultsReader.Num(r["cka"])).ToList())
            {
                Lower = lower.All(double.IsNaN) ? null : lower,
                Upper = lower.All(double.IsNaN) ? null : rows.Select(r => StudyResultsReader.Num(r["upper"])).ToList(),
            };
        }
        (string A, string B)[] pairs = [(StudyModels.UReal, StudyModels.USynthetic), (StudyModels.UReal, StudyModels.FSynthetic), (StudyModels.USynthetic, StudyModels.FSynthetic)];

        foreach (var seed in seeds)
            ChartFile.Write(Path.Combine(dir, $"cka-per-layer-seed{seed}.svg"), LineChart.LayerCka(
                $"Linear CKA per layer, seed {seed}, {primary}×{primary} inputs (95% bootstrap bands)",
                pairs.Select(p => Series(p.A, seed, p.B, seed, primary)).ToList(), 107, 75, markers));
        if (seeds.Length > 1)
            ChartFile.Write(Path.Combine(dir, "cka-cross-seed.svg"), LineChart.LayerCka(
                $"Linear CKA across seeds ({seeds[0]} vs {seeds[1]}), {primary}×{primary}",
                [Series(StudyModels.UReal, seeds[0], StudyModels.USynthetic, seeds[0], primary, "U-Real vs U-Synthetic, same seed"),
                 Series(StudyModels.UReal, seeds[0], StudyModels.USynthetic, seeds[1], primary, "U-Real vs U-Synthetic, across seeds"),
                 Series(StudyModels.UReal, seeds[0], StudyModels.UReal, seeds[1], primary, "U-Real vs U-Real, across seeds"),
                 Series(StudyModels.UReal, seeds[0], AnalyzeStage.Untrained, seeds[0], primary, "U-Real vs untrained (floor)")], 107, 75, markers));
        ChartFile.Write(Path.Combine(dir, "cka-sizes.svg"), LineChart.LayerCka(
            $"U-Real vs U-Synthetic (seed {seeds[0]}) at each input size",
            context.Profile.Analysis.Sizes.Select(s => Series(StudyModels.UReal, seeds[0], StudyModels.USynthetic, seeds[0], s, $"{s}×{s}") with { Lower = null, Upper = null }).ToList(),
            107, 75, markers));
        foreach (var m in results.Matrices)
            ChartFile.Write(Path.Combine(dir, $"layer-by-layer-{m.ModelA}-vs-{m.ModelB}-seed{m.SeedA}.svg"),
                new Heatmap($"Layer × layer CKA: {m.ModelA} (rows) vs {m.ModelB} (columns), seed {m.SeedA}, {m.Size}×{m.Size}", m.Cka) { Boundaries = [75] });

        var train = context.StageDir("train");
        var curves = ModelRun.All(context.Profile).Select(run =>
        {
            var rows = StudyResultsReader.Rows(Path.Combine(train, run.Folder, Training.Trainer.MetricsFile)).ToList();
            return new LineSeries($"{run} validation", rows.Select(r => StudyResultsReader.Num(r["val_total"])).ToList())
            { X = rows.Select(r => StudyResultsReader.Num(r["epoch"])).ToList() };
        }).ToList();
        ChartFile.Write(Path.Combine(dir, "training-curves.svg"), new LineChart("Validation loss per epoch", "epoch", "loss per image", curves));

        var testSets = new[] { DataStage.Real, DataStage.Synthetic };
        ChartFile.Write(Path.Combine(dir, "map.svg"), new BarChart("mAP@0.5 on each test set (mean over seeds; bars: min–max)", "model", "mAP@0.5",
            StudyModels.All.ToList(),
            testSets.Select(t => new BarSeries($"{t} test set", StudyModels.All.Select(m => results.Map(m, t)).ToList())
            {
                Lower = StudyModels.All.Select(m => results.Maps.Where(x => x.Model == m && x.TestSet == t).Min(x => x.Map)).ToList(),
                Upper = StudyModels.All.Select(m => results.Maps.Where(x => x.Model == m && x.TestSet == t).Max(x => x.Map)).ToList(),
            }).ToList()) { YRange = (0, 1) });
    }
}
