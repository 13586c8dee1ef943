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
    public abstract IReadOnlyList<ExternalInput> ExternalInputs { get; }

    /// <summary>The kind of device it computes on: "cpu", or the profile's accelerator ("cuda").</summary>
    public abstract string Device { get; }

    /// <summary>Does the work, writing into its folder (<see cref="StudyContext.TaskDir"/>); the runner writes the manifest after.</summary>
    public abstract void Run(StudyContext context);

    public string SettingsJson => JsonSerializer.Serialize(Settings);

    public override string ToString() => Id;
}

/// <summary>
/// A task given by its parts: the stages build theirs from what they read. The external inputs are resolved only
/// when asked for (the fingerprint), so listing a study's tasks needs no dataset on disk.
/// </summary>
public sealed class StageTask(string stage, string id, IReadOnlyList<string> needs, object settings, Func<IReadOnlyList<ExternalInput>> externalInputs,
    string device, Action<StudyContext> run) : StudyTask
{
    public override string Id => id;
    public override string Stage => stage;
    public override IReadOnlyList<string> Needs => needs;
    public override object Settings => settings;
    public override IReadOnlyList<ExternalInput> ExternalInputs => externalInputs();
    public override string Device => device;
    public override void Run(StudyContext context) => run(context);
}
