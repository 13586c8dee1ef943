using System.Text.Json;
using System.Text.Json.Nodes;
using Repro.Build.Engine;

namespace Repro.Build.Tasks;

/// <summary>
/// A profile's JSON as the build program needs it: its name (which names the artifacts folder and the verified
/// snapshots when --profile is a path). The study itself
/// reads profiles through Repro.Experiments.Profile; the build program stays free of the library.
/// </summary>
internal sealed class ProfileFile(string path, JsonObject json)
{
    public string Path { get; } = path;

    public string Name => json["name"]?.GetValue<string>() ?? throw new BuildFailedException($"{Path}: the profile has no name");

    /// <summary>--profile NAME is experiments/profiles/NAME.json; a value ending in .json is a file (relative to the repository root).</summary>
    public static ProfileFile Read(BuildContext context, string profile)
    {
        var path = profile.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            ? System.IO.Path.GetFullPath(profile, context.RepoRoot)
            : System.IO.Path.Combine(context.RepoRoot, "experiments", "profiles", profile + ".json");
        if (!File.Exists(path)) throw new BuildFailedException($"profile not found: {path}");
        var node = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return new ProfileFile(path, node as JsonObject ?? throw new BuildFailedException($"{path}: a profile is a JSON object"));
    }
}
