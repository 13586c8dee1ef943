using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Repro.Torch.IO;

namespace Repro.Experiments;

/// <summary>
/// The record a finished stage leaves in its folder: its fingerprint — a hash of the code version, the settings it
/// reads and the fingerprints of the stages it reads from — and when it finished. A stage whose folder holds a manifest with the
/// fingerprint it would have now is up to date; a changed setting changes the fingerprint of exactly the stages
/// that read it and of every stage downstream of those.
/// </summary>
public sealed record Manifest(string Stage, string Fingerprint, string Code, string SettingsJson, IReadOnlyDictionary<string, string> Inputs,
    DateTimeOffset Finished)
{
    private const string FileName = "manifest.json";

    public static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    public static Manifest? Read(string stageDir)
    {
        var path = Path.Combine(stageDir, FileName);
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<Manifest>(File.ReadAllText(path)); }
        catch (JsonException) { return null; } // an unreadable manifest means "not finished"
    }

    /// <summary>Written last, atomically: a stage folder without a manifest holds an unfinished run.</summary>
    public void Write(string stageDir) =>
        AtomicFile.WriteAllText(Path.Combine(stageDir, FileName), JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }));
}
