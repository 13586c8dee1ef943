using Repro.Experiments.Claims;
using Repro.Experiments.Stages;
using Repro.Reporting.Snapshots;

namespace Repro.Tests.Study;

/// <summary>
/// The paper's claims, one test each, judged on the trained models of a profile's run. For `paper` every claim must
/// hold. For `smoke` and `ci` — smaller than the paper, so some claims do not reproduce — each verdict is compared
/// with the one recorded in expected-results/PROFILE/claims.verified.csv by <see cref="ClaimRegression"/>: a flip
/// between "holds" and "does not hold" fails, and so does a margin or an interval end outside the "claims" tolerances
/// of tolerances.json, whatever the verdict; a move to or from "inconclusive" within them does not. Every test prints the measured value, its
/// interval and the control against the claim's threshold.
/// </summary>
[Category("Study")]
public class ClaimTests
{
    private static IEnumerable<string> ClaimIds() => ClaimSpec.Load(ReportStage.ClaimsPath(RepoPaths.Root)).Select(c => c.Id);

    [TestCaseSource(nameof(ClaimIds))]
    public void Claim(string id)
    {
        StudyRun.RequireArtifacts();
        var (claim, verdict) = StudyRun.Verdicts.Single(v => v.Claim.Id == id);
        TestContext.Out.WriteLine($"{id} ({StudyRun.ProfileName}): {claim.Text}");
        TestContext.Out.WriteLine($"  paper: {claim.Paper}; measured: {verdict.Measured}; threshold: {verdict.Expected}");
        TestContext.Out.WriteLine($"  margin {verdict.Margin.Value:+0.000;-0.000} in [{verdict.Margin.Lower:+0.000;-0.000}, {verdict.Margin.Upper:+0.000;-0.000}] " +
                                  $"over {verdict.Uncertainty} → {verdict.Status}; control: {Verdict.ControlText(verdict.Control)}");
        if (StudyRun.ProfileName == "paper")
        {
            Assert.That(verdict.Decision, Is.EqualTo(Decision.Holds), $"{id} does not hold on the paper profile: {verdict.Measured} (needs {verdict.Expected})");
            return;
        }
        var store = new SnapshotStore(RepoPaths.Of("expected-results"));
        var problem = ClaimRegression.Check(Recorded(id), verdict, store.Tolerances(StudyRun.ProfileName).For(ReportStage.ClaimsTable));
        if (problem is null) return;
        // Leave claims.received.csv beside the record, so that an intended change can be accepted.
        store.CheckFile(StudyRun.ProfileName, Path.Combine(StudyRun.TablesDir, $"{ReportStage.ClaimsTable}.csv"));
        Assert.Fail($"{problem} on '{StudyRun.ProfileName}'. If intended, accept the new record: " +
                    $"dotnet run --project src/Repro.Cli -- snapshot accept --profile {StudyRun.ProfileName} --name {ReportStage.ClaimsTable}");
    }

    private static RecordedClaim Recorded(string id)
    {
        var path = RepoPaths.Of("expected-results", StudyRun.ProfileName, $"{ReportStage.ClaimsTable}.verified.csv");
        if (!File.Exists(path)) Assert.Fail($"no recorded verdicts for profile '{StudyRun.ProfileName}': {path} is missing");
        if (!RecordedClaim.ReadAll(path).TryGetValue(id, out var recorded)) Assert.Fail($"{path} records no verdict for {id}");
        return recorded!;
    }
}
