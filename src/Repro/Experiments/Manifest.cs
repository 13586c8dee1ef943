using System.Text.Json;
using Repro.Torch.IO;

namespace Repro.Experiments;

/// <summary>
/// The record a finished task leaves in its folder (DVC's lock file, per task): its fingerprint, and what went into
/// it — the code version, the settings it read, the content hash of every external file it read, and the content
/// hash of the outputs of every task it read from — then the content hash of what it wrote itself. A task whose
/// folder holds a manifest with the fingerprint it would have now is up to date. Since fingerprints are built from
/// what upstream tasks actually wrote (not from their fingerprints), a forced or resumed upstream run that writes
/// other bytes makes its readers stale, and one that writes the same bytes does not. Paths appear nowhere in it:
/// a task folder can move to another machine with its manifest. Each output file's size, modification time and content
/// hash are recorded too (<see cref="Files"/>), so a reused task's outputs are checked cheaply (<see cref="TaskOutputs"/>).
/// </summary>
public sealed record Manifest(
    string Task,
    string Fingerprint,
    string Code,
    string SettingsJson,
    IReadOnlyDictionary<string, string> Inputs,
    IReadOnlyDictionary<string, string> External,
    string Outputs,
    DateTimeOffset Finished,
    IReadOnlyDictionary<string, OutputFile>? Files = null)
{
    public const string FileName = "manifest.json";

    public static string Hash(string text) => ContentHash.OfText(text)[..16];

    public static Manifest? Read(string taskDir)
    {
        var path = Path.Combine(taskDir, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            // An unreadable manifest, or one of the format before outputs were hashed, means "not finished".
            var manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(path));
            return manifest is { Outputs: not null, External: not null, Inputs: not null } ? manifest : null;
        }
        catch (JsonException) { return null; }
    }

    /// <summary>Written last, atomically: a task folder without a manifest holds an unfinished run.</summary>
    public void Write(string taskDir) =>
        AtomicFile.WriteAllText(Path.Combine(taskDir, FileName), JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }));
}
