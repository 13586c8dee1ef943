using System.Text.Json;

namespace Repro.Experiments;

/// <summary>
/// One step of the study (data, pretrain, train, …). It declares the stages it reads from and the part of the
/// profile it reads; from those alone its fingerprint follows, so whether it is up to date is known before it runs.
/// </summary>
public abstract class Stage
{
    /// <summary>The folder name under artifacts/PROFILE and the build target's name, lower case.</summary>
    public abstract string Name { get; }

    public abstract IReadOnlyList<string> DependsOn { get; }

    /// <summary>The settings this stage reads (serialised to JSON for the fingerprint).</summary>
    public abstract object Settings(Profile profile);

    /// <summary>Does the work, writing into <c>context.StageDir(Name)</c>; the runner writes the manifest after.</summary>
    public abstract void Run(StudyContext context);

    internal string SettingsJson(Profile profile) => JsonSerializer.Serialize(Settings(profile));
}
