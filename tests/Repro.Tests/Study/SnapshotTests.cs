using Repro.Reporting.Snapshots;

namespace Repro.Tests.Study;

/// <summary>
/// Every result table of the profile's run against its verified snapshot, with the tolerances declared in
/// expected-results/PROFILE/tolerances.json. A difference writes *.received.* beside the snapshot and fails with a
/// table of only the rows that differ. The claims table is judged by <see cref="ClaimTests"/> instead: a verdict
/// moving to or from "inconclusive" is not a difference there.
/// </summary>
[Category("Study")]
public class SnapshotTests
{
    private static IEnumerable<string> Tables() =>
        Directory.Exists(RepoPaths.Of("expected-results", StudyRun.ProfileName))
            ? Directory.EnumerateFiles(RepoPaths.Of("expected-results", StudyRun.ProfileName), "*.verified.*")
                .Select(p => Path.GetFileName(p).Replace(".verified", "")).Order(StringComparer.Ordinal)
            : [];

    /// <summary>Tables the profile's tolerances.json declares as not recorded yet ("pending"), with why.</summary>
    private static Dictionary<string, string> Pending() =>
        new SnapshotStore(RepoPaths.Of("expected-results")).Tolerances(StudyRun.ProfileName).Declared
            .Where(t => t.Tolerances.Pending is not null).ToDictionary(t => t.Name + ".csv", t => t.Tolerances.Pending!);

    [Test]
    public void EveryProducedTableHasAVerifiedSnapshot()
    {
        StudyRun.RequireArtifacts();
        var pending = Pending();
        var produced = Directory.EnumerateFiles(StudyRun.TablesDir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        foreach (var (table, why) in pending.Where(p => produced.Contains(p.Key))) TestContext.Out.WriteLine($"{table}: not recorded yet ({why})");
        Assert.That(Tables(), Is.EquivalentTo(produced.Where(t => !pending.ContainsKey(t!))),
            $"tables of '{StudyRun.ProfileName}' without a verified snapshot (or snapshots no longer produced); accept with: dotnet run --project src/Repro.Cli -- snapshot accept --profile {StudyRun.ProfileName}");
        Assert.That(Tables().Where(pending.ContainsKey), Is.Empty, "a table declared pending in tolerances.json has a verified snapshot now: remove its \"pending\"");
    }

    private static IEnumerable<string> ResultTables() => Tables().Where(t => t != $"{Repro.Experiments.Stages.ReportStage.ClaimsTable}.csv");

    [TestCaseSource(nameof(ResultTables))]
    public void TableMatchesItsVerifiedSnapshot(string table)
    {
        StudyRun.RequireArtifacts();
        var result = new SnapshotStore(RepoPaths.Of("expected-results")).CheckFile(StudyRun.ProfileName, Path.Combine(StudyRun.TablesDir, table));
        Assert.That(result.IsMatch, Is.True, result.Describe());
    }
}
