using Repro.Experiments.Claims;
using Repro.Models;
using Repro.Reporting.Plots;

namespace Repro.Experiments.Stages;

/// <summary>
/// The figures, each as SVG (for the report) and PNG: per-layer CKA curves per seed with intervals (Figs 4–5), across
/// seeds (Fig 6), across input sizes (Figs 11–12), layer × layer maps (Figs 7–10), training curves, and mAP bars
/// (Table 2).
/// </summary>
public sealed class PlotStage : SingleTaskStage
{
    public override string Name => "plot";
    public override IReadOnlyList<string> DependsOn => ["evaluate", "analyze"];
    public override StageCode Code => new("plot.8", ["Reporting/Plots", "Models/LayerRange.cs", "Similarity/LayerSegments.cs", "Reporting/Tables", "Experiments/Claims", "Experiments/Stages/PlotStage.cs", "Experiments/Stages/StudyResultsReader.cs", "Experiments/Stages/StudyModels.cs"]);

    // The training curves are read from every training's metrics.
    public override IReadOnlyList<string> Needs(Profile profile) => [.. DependsOn, .. ModelRun.All(profile).Select(TrainStage.TaskId)];

    public override object Settings(Profile profile) => new { profile.Analysis.Sizes, profile.Seeds };

    private static readonly int FirstHeadLayer = LayerRange.Head.First;

    public override void Run(StudyContext context) => Draw(context, context.StageDir(Name));

    /// <summary>
    /// Draws every figure from what the train, evaluate and analyze stages wrote into <paramref name="dir"/>, checking
    /// no manifest: the stage's work, and <c>repro study figures</c>'s preview of a restyle.
    /// </summary>
    public static void Draw(StudyContext context, string dir)
    {
        var results = StudyResultsReader.Read(context);
        var seeds = context.Profile.Seeds;
        var primary = context.Profile.Analysis.Sizes[0];
        var kinds = results.Layers;
        LayerMarks[] marks = [new("shortcut", kinds.Shortcut), new("route", kinds.Route), new("yolo", kinds.Yolo)];
        var perLayer = StudyResultsReader.Rows(Path.Combine(context.StageDir("analyze"), AnalyzeStage.PerLayerTable)).ToList();
        LayerCurve Curve(string a, int sa, string b, int sb, int size, string? name = null)
        {
            var rows = perLayer.Where(r => r["model_a"] == a && r["model_b"] == b && StudyResultsReader.Int(r["seed_a"]) == sa
                                           && StudyResultsReader.Int(r["seed_b"]) == sb && StudyResultsReader.Int(r["size"]) == size)
                .OrderBy(r => StudyResultsReader.Int(r["layer"])).ToList();
            var lower = rows.Select(r => StudyResultsReader.Num(r["lower"])).ToList();
            var measured = !lower.All(double.IsNaN);
            return new LayerCurve(name ?? $"{a} vs {b}", rows.Select(r => StudyResultsReader.Num(r["cka"])).ToList())
            {
                Lower = measured ? lower : null,
                Upper = measured ? rows.Select(r => StudyResultsReader.Num(r["upper"])).ToList() : null,
            };
        }
        void Save(Figure figure, string name)
        {
            using (figure) figure.Save(dir, name);
        }
        (string A, string B)[] pairs = [(StudyModels.UReal, StudyModels.USynthetic), (StudyModels.UReal, StudyModels.FSynthetic), (StudyModels.USynthetic, StudyModels.FSynthetic)];

        foreach (var seed in seeds)
            Save(LayerCkaFigure.Create($"Linear CKA per layer, seed {seed}, {primary}×{primary} inputs",
                pairs.Select(p => Curve(p.A, seed, p.B, seed, primary)).ToList(), kinds.LayerCount, FirstHeadLayer, marks), $"cka-per-layer-seed{seed}");
        if (seeds.Length > 1)
            Save(LayerCkaFigure.Create($"Linear CKA across seeds ({seeds[0]} vs {seeds[1]}), {primary}×{primary} inputs",
                [Curve(StudyModels.UReal, seeds[0], StudyModels.USynthetic, seeds[0], primary, "U-Real vs U-Synthetic, same seed"),
                 Curve(StudyModels.UReal, seeds[0], StudyModels.USynthetic, seeds[1], primary, "U-Real vs U-Synthetic, across seeds"),
                 Curve(StudyModels.UReal, seeds[0], StudyModels.UReal, seeds[1], primary, "U-Real vs U-Real, across seeds"),
                 Curve(StudyModels.UReal, seeds[0], AnalyzeStage.Untrained, seeds[0], primary, "U-Real vs untrained (floor)")],
                kinds.LayerCount, FirstHeadLayer, marks), "cka-cross-seed");
        // The analysis resamples its images at the primary size only: the other sizes have no intervals.
        Save(LayerCkaFigure.Create($"U-Real vs U-Synthetic (seed {seeds[0]}) at each input size",
            context.Profile.Analysis.Sizes.Select(s => Curve(StudyModels.UReal, seeds[0], StudyModels.USynthetic, seeds[0], s, $"{s}×{s}") with { Lower = null, Upper = null }).ToList(),
            kinds.LayerCount, FirstHeadLayer, marks), "cka-sizes");
        foreach (var m in results.Matrices)
            Save(LayerMatrixFigure.Create($"Layer × layer CKA: {m.ModelA} vs {m.ModelB}, seed {m.SeedA}, {m.Size}×{m.Size}", m.Cka, m.ModelA, m.ModelB, FirstHeadLayer),
                $"layer-by-layer-{m.ModelA}-vs-{m.ModelB}-seed{m.SeedA}");

        var train = context.StageDir("train");
        var curves = ModelRun.All(context.Profile).Select(run =>
        {
            var rows = StudyResultsReader.Rows(Path.Combine(train, run.Folder, Training.Trainer.MetricsFile)).ToList();
            return new TrainingCurve(run.Model, run.Seed, rows.Select(r => StudyResultsReader.Num(r["epoch"])).ToList(), rows.Select(r => StudyResultsReader.Num(r["val_total"])).ToList());
        }).ToList();
        Save(TrainingCurvesFigure.Create("Validation loss per epoch", "validation loss per image", curves), "training-curves");

        Save(MapBarsFigure.Create("mAP@0.5 on each test set (mean over seeds; bars: min–max)", StudyModels.All,
            new[] { DataStage.Real, DataStage.Synthetic }.Select(t => new MapSeries($"{t} test set", StudyModels.All.Select(m => results.Map(m, t)).ToList())
            {
                Min = StudyModels.All.Select(m => results.Maps.Where(x => x.Model == m && x.TestSet == t).Min(x => x.Map)).ToList(),
                Max = StudyModels.All.Select(m => results.Maps.Where(x => x.Model == m && x.TestSet == t).Max(x => x.Map)).ToList(),
            }).ToList()), "map");
    }
}
