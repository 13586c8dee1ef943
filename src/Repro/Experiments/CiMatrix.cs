using System.Text.Json;

namespace Repro.Experiments;

/// <summary>
/// A stage's tasks as a CI job matrix (GitHub Actions' <c>strategy.matrix</c> with <c>include</c>): one entry per
/// task of the stage that no other task of the stage reads (the trainings, not train/anchors), each with the tasks it
/// needs, in order, that its job runs first on its own runner (data, pretrain, train/anchors: cheap and
/// deterministic, so every runner writes the same bytes and the final job accepts the uploaded task as up to date).
/// </summary>
public static class CiMatrix
{
    /// <summary>One job: the task, an artifact name for it (no '/'), and the tasks to run before it, space-separated.</summary>
    public sealed record Entry(string Task, string Name, string Prepare);

    public static IReadOnlyList<Entry> For(StudyPlan plan, string stage)
    {
        var tasks = plan.Select(stage);
        var readWithinStage = tasks.SelectMany(t => t.Needs).ToHashSet();
        return tasks.Where(t => !readWithinStage.Contains(t.Id))
            .Select(t => new Entry(t.Id, t.Id.Replace('/', '-'), string.Join(" ", plan.UpTo([t]).Where(u => u.Id != t.Id).Select(u => u.Id))))
            .ToList();
    }

    /// <summary>The JSON a plan job writes to its output: {"include": [{"task": …, "name": …, "prepare": …}, …]}.</summary>
    public static string Json(IReadOnlyList<Entry> entries) =>
        JsonSerializer.Serialize(new { include = entries }, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase });
}
