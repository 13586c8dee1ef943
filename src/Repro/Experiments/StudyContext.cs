using Repro.Torch;

namespace Repro.Experiments;

/// <summary>Progress of long work: what, how many of how many, and a short detail (loss, rate …). Report may be
/// called from several threads at once (parallel data generation).</summary>
public interface IStudyProgress
{
    void Report(string task, long done, long total, string detail = "");

    void Log(string message);
}

/// <summary>What a stage sees: the profile, where artifacts go, the device, and a progress sink.</summary>
public sealed class StudyContext(Profile profile, string repoRoot, IStudyProgress progress, string? artifactsRoot = null)
{
    public Profile Profile { get; } = profile;
    public string RepoRoot { get; } = repoRoot;
    public IStudyProgress Progress { get; } = progress;

    /// <summary>The artifacts root: the one given, else REPRO_ARTIFACTS when set, else artifacts/ under the repository root.</summary>
    public string ArtifactsRoot { get; } = artifactsRoot
        ?? (Environment.GetEnvironmentVariable("REPRO_ARTIFACTS") is { Length: > 0 } root ? root : Path.Combine(repoRoot, "artifacts"));

    /// <summary>artifacts/PROFILE under the artifacts root.</summary>
    public string ArtifactsDir => Path.Combine(ArtifactsRoot, Profile.Name);

    public string StageDir(string stage) => Path.Combine(ArtifactsDir, stage);

    /// <summary>A task's folder: its id ("stage/item") as a path under artifacts/PROFILE.</summary>
    public string TaskDir(string taskId) => Path.Combine(ArtifactsDir, taskId.Replace('/', Path.DirectorySeparatorChar));

    private InputHashCache? inputHashes;

    /// <summary>Content hashes of external inputs, shared by every profile under the artifacts root.</summary>
    public InputHashCache InputHashes => inputHashes ??= new InputHashCache(Path.Combine(ArtifactsRoot, "input-hashes.json"));

    /// <summary>A path from the profile, relative to the repository root unless absolute; ${VAR} expanded.</summary>
    public string ResolvePath(string value, string setting)
    {
        var expanded = Profile.Expand(value, setting);
        return Path.IsPathRooted(expanded) ? expanded : Path.Combine(RepoRoot, expanded);
    }

    /// <summary>The kind of device the profile computes on: "cpu" or "cuda" (what a task that uses it asks a runner for).</summary>
    public string DeviceKind => Torch.Device.Parse(Profile.Device).Type == DeviceType.CUDA ? "cuda" : "cpu";

    /// <summary>
    /// The device to compute on: the profile's, or REPRO_DEVICE when set (a parallel run gives each worker process
    /// its own GPU: cuda:0, cuda:1, …). Not a setting: the same task on another GPU of the same kind is the same task.
    /// </summary>
    public Device Device
    {
        get
        {
            var device = Torch.Device.Parse(Environment.GetEnvironmentVariable("REPRO_DEVICE") is { Length: > 0 } given ? given : Profile.Device);
            if (device.Type == DeviceType.CUDA && !torch.cuda.is_available())
                throw new InvalidOperationException($"profile '{Profile.Name}' asks for {Profile.Device}, but CUDA is not available (build with LIBTORCH_DIR pointing at a CUDA libtorch)");
            return device;
        }
    }
}
