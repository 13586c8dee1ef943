namespace Repro.Experiments;

/// <summary>
/// One step of the study (data, pretrain, train, …): the stages it reads from, the version of the code it runs, and
/// its work as tasks (<see cref="Tasks"/>), each with its own fingerprint and manifest — one task for the whole
/// stage (<see cref="SingleTaskStage"/>), or one per (model, seed).
/// </summary>
public abstract class Stage
{
    /// <summary>The folder name under artifacts/PROFILE and the build target's name, lower case.</summary>
    public abstract string Name { get; }

    public abstract IReadOnlyList<string> DependsOn { get; }

    /// <summary>The version of the code the stage runs and the source files it covers (<see cref="StageCode"/>).</summary>
    public abstract StageCode Code { get; }

    /// <summary>The stage's work for the context's profile, as tasks.</summary>
    public abstract IReadOnlyList<StudyTask> Tasks(StudyContext context);
}

/// <summary>A stage whose work is one task, named after the stage, that needs the stages it depends on.</summary>
public abstract class SingleTaskStage : Stage
{
    /// <summary>The settings this stage reads (serialised to JSON for the fingerprint); paths to files are not
    /// settings: the files are <see cref="ExternalInputs"/>, fingerprinted by content.</summary>
    public abstract object Settings(Profile profile);

    /// <summary>The files outside the artifacts this stage reads (resolved from the profile).</summary>
    public virtual IReadOnlyList<ExternalInput> ExternalInputs(StudyContext context) => [];

    /// <summary>The tasks it reads from: by default the stages it depends on (their tasks of the same name).</summary>
    public virtual IReadOnlyList<string> Needs(Profile profile) => DependsOn;

    /// <summary>Whether the stage computes on the profile's device (else on the CPU).</summary>
    public virtual bool UsesDevice => false;

    /// <summary>Does the work, writing into <c>context.StageDir(Name)</c>; the runner writes the manifest after.</summary>
    public abstract void Run(StudyContext context);

    public override IReadOnlyList<StudyTask> Tasks(StudyContext context) =>
    [
        new StageTask(Name, Name, Needs(context.Profile), Settings(context.Profile), () => ExternalInputs(context), UsesDevice ? context.DeviceKind : "cpu", Run),
    ];
}
