using Repro.Experiments.Claims;
using Repro.Experiments.Stages;

namespace Repro.Tests.Study;

/// <summary>
/// The paper's claims, one test each, judged on the trained models of a profile's run. For `paper` every claim must
/// hold. For `smoke` and `ci` — smaller than the paper, so some claims do not reproduce — each verdict must equal
/// the one recorded in expected-results/PROFILE/claims.verified.csv, so a change that flips a verdict fails.
/// Every test prints the measured value against the claim's threshold.
/// </summary>
[Category("Study")]
public class ClaimTests
{
    private static IEnumerable<string> ClaimIds() => ClaimSpec.Load(ReportStage.ClaimsPath(RepoPaths.Root)).Select(c => c.Id);

    [TestCaseSource(nameof(ClaimIds))]
    public void Claim(string id)
    {
        StudyRun.RequireArtifacts();
        var (claim, verdict) = ReportStage.Judge(StudyRun.Context, StudyRun.Results).Single(v => v.Claim.Id == id);
        TestContext.Out.WriteLine($"{id} ({StudyRun.ProfileName}): {claim.Text}");
        TestContext.Out.WriteLine($"  paper: {claim.Paper}; measured: {verdict.Measured}; threshold: {verdict.Expected} → {verdict.Status}");
        if (StudyRun.ProfileName == "paper")
        {
            Assert.That(verdict.Holds, Is.True, $"{id} does not hold on the paper profile: {verdict.Measured} (needs {verdict.Expected})");
            return;
        }
        var recorded = RecordedVerdict(id);
        Assert.That(verdict.Status, Is.EqualTo(recorded),
            $"{id}'s verdict on '{StudyRun.ProfileName}' changed: now {verdict.Status} ({verdict.Measured}), recorded {recorded}. " +
            $"If intended, accept the new snapshot: dotnet run --project src/Repro.Cli -- snapshot accept --profile {StudyRun.ProfileName} --name {ReportStage.ClaimsTable}");
    }

    private static string RecordedVerdict(string id)
    {
        var path = RepoPaths.Of("expected-results", StudyRun.ProfileName, $"{ReportStage.ClaimsTable}.verified.csv");
        if (!File.Exists(path)) Assert.Fail($"no recorded verdicts for profile '{StudyRun.ProfileName}': {path} is missing");
        var row = StudyResultsReader.Rows(path).SingleOrDefault(r => r["id"] == id);
        if (row is null) Assert.Fail($"{path} records no verdict for {id}");
        return row!["verdict"];
    }
}
