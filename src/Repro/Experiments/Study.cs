using Repro.Experiments.Stages;

namespace Repro.Experiments;

/// <summary>The paper's study: its stages, in the order data flows through them.</summary>
public static class Study
{
    public static IReadOnlyList<Stage> Stages() =>
    [
        new DataStage(),
        new PretrainStage(),
        new TrainStage(),
        new EvaluateStage(),
    ];

    public static StudyPlan Plan(Profile profile) => new(Stages(), profile);
}
