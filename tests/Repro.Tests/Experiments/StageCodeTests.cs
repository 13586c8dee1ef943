using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Repro.Experiments;

namespace Repro.Tests.Experiments;

/// <summary>
/// Per-stage code versions stay honest. Each stage's version (<see cref="StageCode"/>) is part of its tasks'
/// fingerprints; stage-code.verified.json records, for the versions as they are, a hash of every source file the
/// stages cover. When a stage's sources change and its version is the one recorded, the first test fails naming the
/// stage and the files: bump the version (its tasks rerun) or, for an edit that cannot change an output, keep it;
/// either way record the new hashes by copying stage-code.received.json (written beside it, git-ignored) over the
/// verified file. Comment-only lines, blank lines and trailing whitespace do not count.
/// </summary>
public class StageCodeTests
{
    private static readonly string Library = RepoPaths.Of("src", "Repro");
    private static readonly string VerifiedPath = RepoPaths.Of("tests", "Repro.Tests", "Experiments", "stage-code.verified.json");
    private static readonly string ReceivedPath = RepoPaths.Of("tests", "Repro.Tests", "Experiments", "stage-code.received.json");
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private sealed record Record(SortedDictionary<string, string> Versions, SortedDictionary<string, string> Files);

    private static IReadOnlyList<Stage> Stages => Repro.Experiments.Study.Stages(RepoPaths.Root);

    /// <summary>Every .cs file of the library, relative to src/Repro and '/'-separated.</summary>
    private static IEnumerable<string> LibraryFiles() =>
        Directory.EnumerateFiles(Library, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Library, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(f => !f.StartsWith("obj/", StringComparison.Ordinal) && !f.StartsWith("bin/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    private static bool Covers(IEnumerable<string> sources, string file) =>
        sources.Any(s => file == s || file.StartsWith(s + "/", StringComparison.Ordinal));

    /// <summary>The file's lines without comment-only lines, blank lines and trailing whitespace.</summary>
    private static string Hash(string file)
    {
        var lines = File.ReadAllLines(Path.Combine(Library, file)).Select(l => l.TrimEnd())
            .Where(l => l.Length > 0 && !l.TrimStart().StartsWith("//", StringComparison.Ordinal));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", lines))))[..16].ToLowerInvariant();
    }

    private static Record Current() => new(
        new SortedDictionary<string, string>(Stages.ToDictionary(s => s.Name, s => s.Code.Version), StringComparer.Ordinal),
        new SortedDictionary<string, string>(LibraryFiles().Where(f => Stages.Any(s => Covers(s.Code.Sources, f))).ToDictionary(f => f, Hash), StringComparer.Ordinal));

    [Test]
    public void AStageWhoseCodeChangedHasANewVersion()
    {
        var now = Current();
        var verified = File.Exists(VerifiedPath) ? JsonSerializer.Deserialize<Record>(File.ReadAllText(VerifiedPath))! : new Record(new(), new());
        var problems = new List<string>();
        foreach (var stage in Stages)
        {
            var changed = now.Files.Keys.Concat(verified.Files.Keys).Distinct().Where(f => Covers(stage.Code.Sources, f))
                .Where(f => !now.Files.TryGetValue(f, out var a) || !verified.Files.TryGetValue(f, out var b) || a != b).Order(StringComparer.Ordinal).ToList();
            if (changed.Count > 0 && verified.Versions.GetValueOrDefault(stage.Name) == stage.Code.Version)
                problems.Add($"stage '{stage.Name}': {string.Join(", ", changed)} changed, but its code version is still '{stage.Code.Version}' " +
                             $"({stage.GetType().Name}.Code): bump it if the change can change what the stage computes (its tasks rerun), " +
                             $"or, if it cannot, record the new hashes: cp {ReceivedPath} {VerifiedPath}");
        }
        var same = now.Versions.SequenceEqual(verified.Versions) && now.Files.SequenceEqual(verified.Files);
        if (!same) File.WriteAllText(ReceivedPath, JsonSerializer.Serialize(now, Json));
        else if (File.Exists(ReceivedPath)) File.Delete(ReceivedPath);
        Assert.That(problems, Is.Empty, string.Join("\n", problems));
        Assert.That(same, Is.True, $"the stages' sources or versions changed: if the versions are right, record them: cp {ReceivedPath} {VerifiedPath}");
    }

    [Test]
    public void EverySourceFileOfTheLibraryIsRunByAStageOrIsOrchestration()
    {
        var unclaimed = LibraryFiles().Where(f => !Covers(StageCode.Orchestration, f) && !Stages.Any(s => Covers(s.Code.Sources, f))).ToList();
        Assert.That(unclaimed, Is.Empty, "add these files to the Code.Sources of the stages that run them, or to StageCode.Orchestration if they compute no output");
    }

    [Test]
    public void EveryListedSourceExists()
    {
        var missing = Stages.SelectMany(s => s.Code.Sources).Concat(StageCode.Orchestration).Distinct()
            .Where(s => !File.Exists(Path.Combine(Library, s)) && !Directory.Exists(Path.Combine(Library, s))).ToList();
        Assert.That(missing, Is.Empty, "stage sources name files or folders under src/Repro that do not exist");
    }

    [Test]
    public void AChangedStageVersionMakesOnlyThatStagesTasksStaleAndSaysSo()
    {
        var ci = Profile.Named(RepoPaths.Root, "ci");
        var plan = StudyPlanTests.Plan(ci);
        var train = plan.Key(plan.Task("train/U-Real-seed0"));
        var evaluate = plan.Key(plan.Task("evaluate/U-Real-seed0"));
        Assert.That(train.Code, Does.StartWith("train."));
        Assert.That(evaluate.Code, Does.StartWith("evaluate."));
        Assert.That(CodeVersion.Difference(train.Code, train.Code.Replace("train.", "train.9")), Does.Contain("stage's code changed"));
        Assert.That(CodeVersion.Difference(train.Code, train.Code.Replace("+engine-", "+engine-0")), Does.Contain("engine changed"));
    }
}
