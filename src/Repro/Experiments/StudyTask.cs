using System.Text.Json;

namespace Repro.Experiments;

/// <summary>
/// One unit of the study's work with its own fingerprint and manifest: a stage's whole work, or one (stage, model,
/// seed) part of it. It declares the tasks it reads from, the settings and the external files it reads; from those
/// and what its inputs wrote, its fingerprint follows.
/// </summary>
public abstract class StudyTask
{
    /// <summary>"stage" or "stage/item"; also the task's folder under artifacts/PROFILE.</summary>
    public abstract string Id { get; }

    /// <summary>The stage the task belongs to (its code version, and --stage).</summary>
    public abstract string Stage { get; }

    /// <summary>The ids of the tasks whose outputs this one reads.</summary>
    public abstract IReadOnlyList<string> Needs { get; }

    /// <summary>The settings the task reads (serialised to JSON for the fingerprint); no paths: files are <see cref="ExternalInputs"/>.</summary>
    public abstract object Settings { get; }

    /// <summary>The files from outside the artifacts it reads, fingerprinted by content.</summary>
    public virtual IReadOnlyList<ExternalInput> ExternalInputs => [];

    /// <summary>Does the work, writing into its folder (<see cref="StudyContext.TaskDir"/>); the runner writes the manifest after.</summary>
    public abstract void Run(StudyContext context);

    public string SettingsJson => JsonSerializer.Serialize(Settings);

    public override string ToString() => Id;
}

/// <summary>A stage whose work is one task: its id is the stage's name, and it needs the stages it depends on.</summary>
internal sealed class WholeStageTask(Stage stage, StudyContext context) : StudyTask
{
    public override string Id => stage.Name;
    public override string Stage => stage.Name;
    public override IReadOnlyList<string> Needs => stage.DependsOn;
    public override object Settings => stage.Settings(context.Profile);
    public override IReadOnlyList<ExternalInput> ExternalInputs => stage.ExternalInputs(context);
    public override void Run(StudyContext context) => stage.Run(context);
}
