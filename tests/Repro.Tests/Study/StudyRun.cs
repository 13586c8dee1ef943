using Repro.Experiments;
using Repro.Experiments.Claims;
using Repro.Experiments.Stages;
using Repro.Tests.Experiments;

namespace Repro.Tests.Study;

/// <summary>
/// The study run these tests judge: the profile named by REPRO_PROFILE (default ci), whose artifacts the build's
/// Report target wrote (./build.sh --target Report --profile P; Test does it for ci).
/// </summary>
internal static class StudyRun
{
    public static string ProfileName => Environment.GetEnvironmentVariable("REPRO_PROFILE") is { Length: > 0 } p ? p : "ci";

    public static StudyContext Context { get; } = new(Profile.Named(RepoPaths.Root, ProfileName), RepoPaths.Root, new SilentProgress());

    public static string TablesDir => ReportStage.TablesDir(Context);

    /// <summary>Fails (does not skip) when the run has not produced its tables: the claims cannot be judged.</summary>
    public static void RequireArtifacts()
    {
        if (!File.Exists(Path.Combine(TablesDir, $"{ReportStage.ClaimsTable}.csv")))
            Assert.Fail($"no results for profile '{ProfileName}' in {TablesDir}: run ./build.sh --target Report --profile {ProfileName} first");
    }

    private static StudyResults? results;

    public static StudyResults Results => results ??= StudyResultsReader.Read(Context);

    private static IReadOnlyList<(ClaimSpec Claim, Verdict Verdict)>? verdicts;

    /// <summary>Every claim judged once (each is recomputed on every bootstrap replicate, so not once per test).</summary>
    public static IReadOnlyList<(ClaimSpec Claim, Verdict Verdict)> Verdicts => verdicts ??= ReportStage.Judge(Context, Results);
}
