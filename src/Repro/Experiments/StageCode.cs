namespace Repro.Experiments;

/// <summary>
/// The version of the code a stage runs, part of its tasks' fingerprints instead of the whole build's: an edit to
/// report code does not retrain detectors. <see cref="Version"/> is explicit and bumped by hand when the stage's
/// code changes what it computes; <see cref="Sources"/> are the source files (under src/Repro, '/'-separated; a
/// folder stands for every .cs file under it) whose edits can change that. A test
/// (tests/Repro.Tests/Experiments/StageCodeTests) keeps both honest: it fails when a stage's sources change while
/// its version does not, and when a source file of the library is run by no stage and is not listed as
/// <see cref="Orchestration"/>.
/// </summary>
public sealed record StageCode(string Version, IReadOnlyList<string> Sources)
{
    /// <summary>The data primitives every stage that reads images or boxes runs.</summary>
    public static readonly IReadOnlyList<string> DataPrimitives =
        ["Data/BoundingBox.cs", "Data/CommonClass.cs", "Data/DeterministicRandom.cs", "Data/WorkerThreads.cs"];

    /// <summary>Reading the data stage's datasets back and letterboxing their images.</summary>
    public static readonly IReadOnlyList<string> DatasetLoading =
        ["Data/Loading", "Data/Reading", "Data/Splitting", "Experiments/Stages/DatasetIndex.cs"];

    /// <summary>Building the study's detectors and loading their weights.</summary>
    public static readonly IReadOnlyList<string> Detectors =
    [
        "Models", "Training/Checkpoint.cs", "Training/ObjectnessPrior.cs", "Training/AnchorFitting.cs",
        "Experiments/Stages/StudyModels.cs", "Experiments/Stages/FittedAnchors.cs", "Experiments/Claims/StudyResults.cs",
    ];

    /// <summary>
    /// The library's files that compute no task's output: they plan, run and record tasks, read the profile (whose
    /// values are in every fingerprint), or serve tools outside the study (benchmarks, snapshot checks).
    /// </summary>
    public static readonly IReadOnlyList<string> Orchestration =
    [
        "Benchmarks",
        "Reporting/Snapshots",
        "Experiments/CiMatrix.cs",
        "Experiments/CodeVersion.cs",
        "Experiments/ContentHash.cs",
        "Experiments/ExternalInput.cs",
        "Experiments/InputHashCache.cs",
        "Experiments/Manifest.cs",
        "Experiments/Profile.cs",
        "Experiments/ProfileOverride.cs",
        "Experiments/Slurm",
        "Experiments/Stage.cs",
        "Experiments/StageCode.cs",
        "Experiments/Study.cs",
        "Experiments/StudyContext.cs",
        "Experiments/StudyCost.cs",
        "Experiments/StudyPlan.cs",
        "Experiments/StudyRunner.cs",
        "Experiments/StudyTask.cs",
        "Experiments/TaskArchive.cs",
        "Experiments/TaskFolder.cs",
        "Experiments/TaskLock.cs",
        "Experiments/TaskOutputs.cs",
        // Deliberate bugs for the Mutants target: off in every run but theirs, whose code version names them.
        "Mutants",
        // `repro selftest`: the engine checked on a device, no task's output.
        "SelfTest",
    ];
}
