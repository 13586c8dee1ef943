using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Repro.Torch.IO;

namespace Repro.Experiments;

/// <summary>
/// What a stage's artifacts were made from: a hash of the settings it read and the manifests of the stages it read
/// from. A stage whose manifest matches what it would write now is up to date and is skipped; a changed setting
/// changes exactly the manifests of the stages that read it, and of the stages downstream of those.
/// </summary>
public sealed record Manifest(string Stage, string SettingsHash, IReadOnlyDictionary<string, string> Inputs, DateTimeOffset Finished)
{
    private const string FileName = "manifest.json";

    /// <summary>The fingerprint of this manifest as an input of later stages (time excluded).</summary>
    public string Fingerprint => Hash($"{Stage}|{SettingsHash}|{string.Join("|", Inputs.OrderBy(i => i.Key, StringComparer.Ordinal).Select(i => $"{i.Key}={i.Value}"))}");

    /// <summary>SHA-256 of the settings object as canonical JSON.</summary>
    public static string HashSettings(object settings) => Hash(JsonSerializer.Serialize(settings));

    public static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    public static Manifest? Read(string stageDir)
    {
        var path = Path.Combine(stageDir, FileName);
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<Manifest>(File.ReadAllText(path)); }
        catch (JsonException) { return null; } // an unreadable manifest means "not up to date"
    }

    /// <summary>Written last, atomically: a stage without a manifest did not finish.</summary>
    public void Write(string stageDir) =>
        AtomicFile.WriteAllText(Path.Combine(stageDir, FileName), JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>Null when up to date, else why the stage must run.</summary>
    public static string? WhyStale(Manifest? existing, string settingsHash, IReadOnlyDictionary<string, string> inputs)
    {
        if (existing is null) return "never finished";
        if (existing.SettingsHash != settingsHash) return "settings changed";
        foreach (var (name, fingerprint) in inputs)
            if (!existing.Inputs.TryGetValue(name, out var old) || old != fingerprint) return $"input '{name}' changed";
        return existing.Inputs.Keys.Except(inputs.Keys).Any() ? "inputs changed" : null;
    }
}
