using System.Text.Json;

namespace Repro.Experiments;

/// <summary>
/// One step of the study (data, pretrain, train, …). It declares the stages it reads from, the part of the profile
/// it reads and the files from outside the artifacts it reads; its work is one task or several
/// (<see cref="Tasks"/>), each with its own fingerprint and manifest.
/// </summary>
public abstract class Stage
{
    /// <summary>The folder name under artifacts/PROFILE and the build target's name, lower case.</summary>
    public abstract string Name { get; }

    public abstract IReadOnlyList<string> DependsOn { get; }

    /// <summary>The version of the code the stage runs and the source files it covers (<see cref="StageCode"/>).</summary>
    public abstract StageCode Code { get; }

    /// <summary>The settings this stage reads (serialised to JSON for the fingerprint); paths to files are not
    /// settings: the files are <see cref="ExternalInputs"/>, fingerprinted by content.</summary>
    public abstract object Settings(Profile profile);

    /// <summary>The files outside the artifacts this stage reads (resolved from the profile).</summary>
    public virtual IReadOnlyList<ExternalInput> ExternalInputs(StudyContext context) => [];

    /// <summary>The stage's work as tasks; by default one, the whole stage.</summary>
    public virtual IReadOnlyList<StudyTask> Tasks(StudyContext context) => [new WholeStageTask(this, context)];

    /// <summary>Does the work, writing into <c>context.StageDir(Name)</c>; the runner writes the manifest after.</summary>
    public abstract void Run(StudyContext context);

    internal string SettingsJson(Profile profile) => JsonSerializer.Serialize(Settings(profile));
}
