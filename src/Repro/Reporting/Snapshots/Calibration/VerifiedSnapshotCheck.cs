using Repro.Reporting.Tables;

namespace Repro.Reporting.Snapshots.Calibration;

/// <summary>How one calibration run's table compares with the verified snapshot under the new tolerances.</summary>
internal sealed record VerifiedComparison(string Table, string Run, bool HasVerified, TableComparison? Comparison)
{
    public bool IsMatch => HasVerified && Comparison!.IsMatch;

    public string Outcome => !HasVerified ? "no verified snapshot"
        : Comparison!.IsMatch ? "match"
        : $"differs: {Comparison.Changed.Count} changed, {Comparison.Added.Count} added, {Comparison.Removed.Count} removed rows"
          + (Comparison.ColumnsAdded.Count + Comparison.ColumnsRemoved.Count > 0 ? ", columns differ" : "");
}

/// <summary>
/// Each calibration run's tables against the profile's verified snapshots with the tolerances just written, in memory
/// (no received files). Every run matching is expected when the verified snapshots came from this build on this
/// machine; a run that does not match says the snapshots predate the build (accept the reference run's tables first,
/// then recalibrate). It proves nothing about other machines: the tolerances were made from these very runs.
/// </summary>
internal static class VerifiedSnapshotCheck
{
    public static IReadOnlyList<VerifiedComparison> Compare(string profileDir, ToleranceCalibration calibration)
    {
        var tolerances = ToleranceFile.LoadOrEmpty(Path.Combine(profileDir, SnapshotStore.ToleranceFileName));
        var results = new List<VerifiedComparison>();
        foreach (var table in calibration.Tables)
        {
            var verified = Path.Combine(profileDir, SnapshotFiles.VerifiedFile(table.Name, ".csv"));
            foreach (var run in calibration.Runs)
            {
                if (!File.Exists(verified)) { results.Add(new VerifiedComparison(table.Name, run.Name, false, null)); continue; }
                var comparison = TableComparer.Compare(CalibrationTables.Read(run.TablesDir, table.Name), CsvTable.ReadFile(verified), tolerances.For(table.Name));
                results.Add(new VerifiedComparison(table.Name, run.Name, true, comparison));
            }
        }
        return results;
    }
}
