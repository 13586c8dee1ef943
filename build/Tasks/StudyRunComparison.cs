using System.Text.Json;

namespace Repro.Build.Tasks;

/// <summary>
/// Two runs of one study compared as a rerun must equal a run: every task's recorded output hash (its manifest's
/// Outputs, the content of its whole folder) and every result table, byte for byte. An empty list: the same bytes.
/// </summary>
internal static class StudyRunComparison
{
    /// <summary>Every task's recorded output hash, and the result tables byte for byte.</summary>
    public static IReadOnlyList<string> Differences(IsolatedStudy reference, IsolatedStudy run, string name)
    {
        var differences = new List<string>();
        Dictionary<string, string> Outputs(IsolatedStudy s) =>
            Directory.EnumerateFiles(Path.Combine(s.ArtifactsRoot, name), "manifest.json", SearchOption.AllDirectories)
                .Select(m => JsonDocument.Parse(File.ReadAllText(m)).RootElement)
                .ToDictionary(m => m.GetProperty("Task").GetString()!, m => m.GetProperty("Outputs").GetString()!);
        var (expected, obtained) = (Outputs(reference), Outputs(run));
        foreach (var task in expected.Keys.Union(obtained.Keys).Order(StringComparer.Ordinal))
            if (expected.GetValueOrDefault(task) != obtained.GetValueOrDefault(task))
                differences.Add($"task {task}: outputs {obtained.GetValueOrDefault(task) ?? "missing"}, reference {expected.GetValueOrDefault(task) ?? "missing"}");
        var (tablesA, tablesB) = (Path.Combine(reference.ArtifactsRoot, name, "tables"), Path.Combine(run.ArtifactsRoot, name, "tables"));
        foreach (var table in Directory.EnumerateFiles(tablesA).Select(Path.GetFileName))
        {
            var other = Path.Combine(tablesB, table!);
            if (!File.Exists(other) || !File.ReadAllBytes(other).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(tablesA, table!))))
                differences.Add($"table {table}: differs from the reference run's");
        }
        return differences;
    }
}
