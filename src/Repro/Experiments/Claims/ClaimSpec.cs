using System.Text.Json;
using System.Text.Json.Serialization;

namespace Repro.Experiments.Claims;

/// <summary>
/// One claim of the paper in checkable form, as written in expected-results/paper-claims.json: the words, where
/// they come from, what the paper reports, and a <see cref="Check"/> whose "kind" picks the rule in
/// <see cref="ClaimEvaluator"/> and whose other fields are that rule's parameters.
/// </summary>
public sealed record ClaimSpec(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("claim")] string Text,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("paper")] string Paper,
    [property: JsonPropertyName("check")] JsonElement Check)
{
    public string Kind => Check.TryGetProperty("kind", out var k) ? k.GetString()! : throw Error("has no check.kind");

    public Exception Error(string what) => new InvalidDataException($"claim {Id}: {what}");

    public string String(string name) =>
        Check.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Error($"check.{name} (text) is missing");

    public double Number(string name) =>
        Check.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Error($"check.{name} (number) is missing");

    public double Number(string name, double fallback) =>
        Check.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : fallback;

    public int[] Layers(string name = "layers") => LayerSet.Parse(String(name));

    /// <summary>Model pairs written "A vs B"; default: U-Real against each synthetic model.</summary>
    public IReadOnlyList<(string A, string B)> Comparisons()
    {
        if (!Check.TryGetProperty("comparisons", out var list))
            return [(StudyModels.UReal, StudyModels.USynthetic), (StudyModels.UReal, StudyModels.FSynthetic)];
        return list.EnumerateArray().Select(e =>
        {
            var parts = e.GetString()!.Split(" vs ", StringSplitOptions.TrimEntries);
            return parts.Length == 2 ? (parts[0], parts[1]) : throw Error($"comparison '{e.GetString()}' is not 'A vs B'");
        }).ToList();
    }

    public IReadOnlyList<string> Strings(string name) =>
        Check.TryGetProperty(name, out var list) ? list.EnumerateArray().Select(e => e.GetString()!).ToList() : throw Error($"check.{name} (list) is missing");

    public static IReadOnlyList<ClaimSpec> Load(string path)
    {
        try
        {
            var claims = JsonSerializer.Deserialize<List<ClaimSpec>>(File.ReadAllText(path)) ?? [];
            var duplicate = claims.GroupBy(c => c.Id).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null) throw new InvalidDataException($"claim {duplicate.Key} appears twice");
            return claims;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid claims file: {e.Message}", e);
        }
    }
}
