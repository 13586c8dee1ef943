using System.Text.Json;
using System.Text.Json.Nodes;

namespace Repro.Experiments;

/// <summary>One setting in which a profile departs from the paper's protocol.</summary>
/// <param name="Setting">The profile setting, dotted (training.lr, data.real.count, …).</param>
/// <param name="Paper">Its value in the paper profile ("—" when the paper has no such setting).</param>
/// <param name="Profile">Its value in this profile ("—" when this profile has none).</param>
public sealed record ProtocolDeparture(string Setting, string Paper, string Profile);

/// <summary>
/// Every way a profile departs from the paper's protocol, found by comparing it setting by setting with the
/// <c>paper</c> profile (which stays the paper's protocol), so the list cannot miss a knob a small profile turned:
/// a smaller model, generated data, another schedule, fitted anchors. Only the name and description are left out.
/// </summary>
public static class ProtocolDepartures
{
    private static readonly HashSet<string> Ignored = ["name", "description"];

    public static IReadOnlyList<ProtocolDeparture> Between(Profile paper, Profile profile)
    {
        var (a, b) = (Flatten(paper), Flatten(profile));
        return a.Keys.Union(b.Keys).Order(StringComparer.Ordinal)
            .Where(k => !Ignored.Contains(k) && a.GetValueOrDefault(k) != b.GetValueOrDefault(k))
            .Select(k => new ProtocolDeparture(k, a.GetValueOrDefault(k) ?? "—", b.GetValueOrDefault(k) ?? "—"))
            .ToList();
    }

    /// <summary>Leaf settings as dotted path → compact JSON text; arrays are leaves ([0, 1] is one setting).</summary>
    private static Dictionary<string, string> Flatten(Profile profile)
    {
        var leaves = new Dictionary<string, string>();
        void Walk(JsonNode? node, string path)
        {
            if (node is JsonObject o)
                foreach (var (key, child) in o) Walk(child, path.Length == 0 ? key : $"{path}.{key}");
            else if (node is not null)
                leaves[path] = node.ToJsonString();
        }
        Walk(JsonSerializer.SerializeToNode(profile), "");
        return leaves;
    }
}
