using System.Text.Json;
using Repro.Torch.IO;

namespace Repro.Experiments.Slurm;

/// <summary>
/// The jobs a submission sent, per task (artifacts/PROFILE/.slurm/jobs.json): its job id, the log it writes and when
/// it was submitted. It is how a rerun of submit and <c>study status --slurm</c> find the jobs of this artifacts folder
/// among the cluster's (another folder's study of the same profile has jobs of the same names). Written atomically;
/// each submission adds its jobs to what the record held.
/// </summary>
public sealed record SlurmJobRecord(string Job, string Log, DateTime Submitted)
{
    public const string Folder = ".slurm";

    public static string DirOf(StudyContext context) => Path.Combine(context.ArtifactsDir, Folder);

    public static string PathOf(StudyContext context) => Path.Combine(DirOf(context), "jobs.json");

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public static Dictionary<string, SlurmJobRecord> Read(StudyContext context)
    {
        var path = PathOf(context);
        if (!File.Exists(path)) return new Dictionary<string, SlurmJobRecord>();
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, SlurmJobRecord>>(File.ReadAllText(path), Options)
                   ?? throw new InvalidDataException($"{path}: empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a record of Slurm jobs ({e.Message}); delete it to forget the jobs it lists", e);
        }
    }

    public static void Write(StudyContext context, IReadOnlyDictionary<string, SlurmJobRecord> jobs)
    {
        Directory.CreateDirectory(DirOf(context));
        AtomicFile.WriteAllText(PathOf(context), JsonSerializer.Serialize(jobs, Options));
    }
}
