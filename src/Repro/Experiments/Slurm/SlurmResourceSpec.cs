using System.Text.Json;
using System.Text.Json.Nodes;

namespace Repro.Experiments.Slurm;

/// <summary>
/// Resources given for a kind of task (or <c>all</c>): <c>KEY=VALUE,…</c> (<see cref="SlurmResources.With"/>), and
/// where they were given, for errors. They come from the profile file's <c>slurm</c> section and from
/// <c>--resources KIND:KEY=VALUE,…</c>, in that order, so the command line has the last word.
/// </summary>
public sealed record SlurmResourceSpec(string Kind, string Spec, string Source)
{
    public const string All = "all";

    /// <summary>A <c>--resources</c> argument, <c>KIND:KEY=VALUE,…</c>.</summary>
    public static SlurmResourceSpec Parse(string argument)
    {
        var source = $"--resources '{argument}'";
        var colon = argument.IndexOf(':');
        if (colon <= 0) throw new ArgumentException($"{source}: expected KIND:KEY=VALUE,… with KIND one of {All}, {string.Join(", ", SlurmResources.Kinds)}");
        return Checked(argument[..colon], argument[(colon + 1)..], source);
    }

    /// <summary>
    /// The profile file's <c>slurm</c> section, <c>{ "train": "gres=gpu:1,time=3-00:00:00", "all": "partition=gpu" }</c>;
    /// none when the file has no such section.
    /// </summary>
    public static IReadOnlyList<SlurmResourceSpec> FromProfile(string path)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip }); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: {e.Message}", e); }
        if (root?[Profile.ClusterResources] is not { } section) return [];
        if (section is not JsonObject kinds)
            throw new InvalidDataException($"{path}: {Profile.ClusterResources}: an object of KIND: \"KEY=VALUE,…\" (kinds {All}, {string.Join(", ", SlurmResources.Kinds)})");
        return kinds.Select(k => k.Value is JsonValue v && v.TryGetValue<string>(out var spec)
                ? Checked(k.Key, spec, $"{path}: {Profile.ClusterResources}.{k.Key}")
                : throw new InvalidDataException($"{path}: {Profile.ClusterResources}.{k.Key}: a string \"KEY=VALUE,…\""))
            .ToList();
    }

    /// <summary>Whether these resources are for the kind of task.</summary>
    public bool AppliesTo(string kind) => Kind == All || Kind == kind;

    private static SlurmResourceSpec Checked(string kind, string spec, string source) =>
        kind == All || SlurmResources.Kinds.Contains(kind)
            ? new SlurmResourceSpec(kind, spec, source)
            : throw new ArgumentException($"{source}: unknown kind '{kind}' ({All}, {string.Join(", ", SlurmResources.Kinds)})");
}
