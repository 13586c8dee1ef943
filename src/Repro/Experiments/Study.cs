using Repro.Experiments.Stages;

namespace Repro.Experiments;

/// <summary>The paper's study: its stages, in the order data flows through them.</summary>
public static class Study
{
    public static IReadOnlyList<Stage> Stages(string repoRoot) =>
    [
        new DataStage(),
        new PretrainStage(),
        new TrainStage(),
        new EvaluateStage(),
        new AnalyzeStage(),
        new PlotStage(),
        new ReportStage(repoRoot),
    ];

    public static StudyPlan Plan(StudyContext context) => new(Stages(context.RepoRoot), context, CodeVersion.Engine);
}
