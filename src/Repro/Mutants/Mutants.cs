using Repro.Experiments.Claims;

namespace Repro.Mutants;

/// <summary>
/// One deliberate bug: its name (REPRO_MUTANT), the stage whose code it changes, what it does, and the one model whose
/// tasks of that stage it changes (null: every task of the stage).
/// </summary>
public sealed record Mutant(string Name, string Stage, string Bug, string? Model = null)
{
    /// <summary>
    /// Whether the bug changes what the task computes: its stage's tasks, or only those of its model
    /// ("train/U-Synthetic-seed0"). A task it leaves alone keeps its fingerprint, so a mutant that breaks one model
    /// retrains that model's detectors, not all of them.
    /// </summary>
    public bool Changes(string stage, string taskId) =>
        stage == Stage && (Model is null || taskId.StartsWith($"{stage}/{Model}-seed", StringComparison.Ordinal));
}

/// <summary>
/// Deliberate, realistic bugs that no unit test sees, for measuring the power of the study's checks
/// (./build.sh --target Mutants): each must make the golden or the ci checks fail. The environment variable
/// REPRO_MUTANT switches one on; no build target but Mutants sets it, and an unknown name is an error. The mutant's
/// name enters the code version of the tasks it changes (<see cref="Experiments.StudyPlan.Key"/>), so a mutated task
/// never passes for an up-to-date one, and the target runs each mutant in an artifacts root of its own.
/// </summary>
public static class Mutants
{
    public const string Variable = "REPRO_MUTANT";

    public const string WrongDomain = "wrong-domain";
    public const string BackboneTrainable = "backbone-trainable";
    public const string FreezeCutoff = "freeze-cutoff";
    public const string LowLearningRate = "low-lr";
    public const string DroppedClass = "dropped-class";
    public const string NmsIou = "nms-iou";
    public const string DoubleMatch = "double-match";
    public const string CaptureNextLayer = "capture-next-layer";
    public const string AnalysisImageSeed = "analysis-image-seed";
    public const string BestSeedClaims = "best-seed-claims";

    public static readonly IReadOnlyList<Mutant> All =
    [
        new(WrongDomain, "train", "U-Synthetic trains on the real domain (a copy of U-Real)", StudyModels.USynthetic),
        new(BackboneTrainable, "train", "F-Synthetic's backbone is left trainable", StudyModels.FSynthetic),
        new(FreezeCutoff, "train", "F-Synthetic freezes layers 0–71: the cutoff one residual block short", StudyModels.FSynthetic),
        new(LowLearningRate, "train", "the training learning rate × 0.3"),
        new(DroppedClass, "train", "the training labels of one class (cycle) are dropped"),
        new(NmsIou, "evaluate", "NMS at IoU 0.7 instead of the profile's"),
        new(DoubleMatch, "evaluate", "a ground-truth box already matched counts a second detection as a true positive"),
        new(CaptureNextLayer, "analyze", "the capture stores layer i+1's Gram matrix as layer i's"),
        new(AnalysisImageSeed, "analyze", "the analysis images are drawn with the image seed + 1"),
        new(BestSeedClaims, "report", "a claim's value is the best seed's margin, not the worst's"),
    ];

    private static readonly Lazy<Mutant?> active = new(() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } name ? Find(name) : null);

    /// <summary>The mutant of that name; an unknown name is an error listing them (a typo must not run the unmutated code).</summary>
    public static Mutant Find(string name) =>
        All.FirstOrDefault(m => m.Name == name)
        ?? throw new InvalidOperationException($"{Variable}={name} is not a mutant (mutants: {string.Join(", ", All.Select(m => m.Name))})");

    /// <summary>The mutant switched on, if any.</summary>
    public static Mutant? Active => active.Value;

    public static bool Is(string name) => Active?.Name == name;

    /// <summary>What a task adds to its code version: nothing, unless the active mutant changes it.</summary>
    public static string CodeMark(string stage, string taskId) => Active is { } m && m.Changes(stage, taskId) ? $"+mutant-{m.Name}" : "";
}
