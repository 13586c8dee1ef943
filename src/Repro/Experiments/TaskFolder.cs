using Repro.Torch.IO;

namespace Repro.Experiments;

/// <summary>
/// A task's folder under artifacts/PROFILE (its id is its path there). Other tasks' folders may be nested in it
/// (evaluate/ holds evaluate/U-Real-seed0/): they are never cleared, hashed or packed as this task's outputs.
/// </summary>
public static class TaskFolder
{
    /// <summary>Holds the fingerprint a run started with: a rerun with the same one resumes (checkpoints).</summary>
    public const string StartedMarker = "started.txt";

    /// <summary>
    /// Keeps what an interrupted run of the same fingerprint left (checkpoints to resume from); clears what a run
    /// with another fingerprint left, so nothing stale is resumed or reported.
    /// </summary>
    public static void Prepare(string dir, string fingerprint, IReadOnlyCollection<string> nested)
    {
        var marker = Path.Combine(dir, StartedMarker);
        if (Directory.Exists(dir) && (!File.Exists(marker) || File.ReadAllText(marker).Trim() != fingerprint)) Clear(dir, nested);
        Directory.CreateDirectory(dir);
        AtomicFile.WriteAllText(marker, fingerprint);
    }

    /// <summary>Deletes everything in the folder except the nested task folders.</summary>
    public static void Clear(string dir, IReadOnlyCollection<string> nested)
    {
        if (!Directory.Exists(dir)) return;
        void ClearIn(string folder, string relative)
        {
            foreach (var file in Directory.EnumerateFiles(folder)) File.Delete(file);
            foreach (var sub in Directory.EnumerateDirectories(folder))
            {
                var name = relative.Length == 0 ? Path.GetFileName(sub) : $"{relative}/{Path.GetFileName(sub)}";
                if (nested.Contains(name)) continue;
                if (nested.Any(n => n.StartsWith(name + "/", StringComparison.Ordinal))) ClearIn(sub, name);
                else Directory.Delete(sub, recursive: true);
            }
        }
        ClearIn(dir, "");
    }
}
