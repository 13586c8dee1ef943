using Repro.Experiments;
using Repro.Experiments.Claims;
using Repro.Experiments.Stages;
using Repro.Tests.Experiments;

namespace Repro.Tests.Study;

/// <summary>
/// The study run these tests judge: the profile named by REPRO_PROFILE (default ci; a name or a path to a .json
/// file), with the settings REPRO_PROFILE_SET replaces (<see cref="ProfileOverride"/>), whose artifacts the build's
/// Report target wrote (./build.sh --target Report --profile P; Test does it for ci). A run with replaced settings is
/// judged against the verified snapshots and verdicts of the profile it came from (the Power target relies on it).
/// </summary>
internal static class StudyRun
{
    private static string Requested => Environment.GetEnvironmentVariable("REPRO_PROFILE") is { Length: > 0 } p ? p : "ci";

    public static StudyContext Context { get; } =
        new(Profile.Find(RepoPaths.Root, Requested, ProfileOverride.FromEnvironment()), RepoPaths.Root, new SilentProgress());

    /// <summary>The profile's name: it names the verified snapshots in expected-results.</summary>
    public static string ProfileName => Context.Profile.Name;

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
