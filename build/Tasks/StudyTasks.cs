using Repro.Build.Engine;

namespace Repro.Build.Tasks;

/// <summary>
/// A stage of the study as a build target: `repro study run --profile P --stage S`. The study keeps manifests per
/// stage, so the target is skipped (with the reason in the summary) when its stage is up to date; --force reruns it.
/// </summary>
internal abstract class StudyStageTask : BuildTask
{
    protected abstract string Stage { get; }

    public override string Description => $"study stage '{Stage}' for --profile (default smoke); incremental; --force reruns it";

    public override string? SkipReason(BuildContext context)
    {
        if (context.Arguments.Has("force") || context.Arguments.DryRun) return null;
        var (code, output) = context.Capture("dotnet", Cli.Args(context, "study", "status", "--stage", Stage));
        return code == 0 ? output.Trim() : null;
    }

    public override void Run(BuildContext context)
    {
        var args = Cli.Args(context, "study", "run", "--stage", Stage);
        if (context.Arguments.Has("force")) args.Add("--force");
        context.Run("dotnet", args);
    }
}

/// <summary>How the build program calls the built `repro` CLI.</summary>
internal static class Cli
{
    /// <summary>--profile: a profile's name, or a path to a .json profile (relative to the repository root).</summary>
    public static string Profile(BuildContext context) => context.Arguments.Get("profile", "smoke");

    /// <summary>The --set SETTING=VALUE arguments: settings replaced for this run (repro study run --set).</summary>
    public static IReadOnlyList<string> Overrides(BuildContext context) => context.Arguments.GetAll("set");

    public static string Dll(BuildContext context) => Path.Combine(context.RepoRoot, "src", "Repro.Cli", "bin", context.Configuration, "net10.0", "Repro.Cli.dll");

    public static List<string> Args(BuildContext context, params string[] args) => ArgsFor(context, Profile(context), Overrides(context), args);

    public static List<string> ArgsFor(BuildContext context, string profile, params string[] args) => ArgsFor(context, profile, [], args);

    public static List<string> ArgsFor(BuildContext context, string profile, IReadOnlyList<string> overrides, params string[] args) =>
        [Dll(context), .. args, "--profile", profile, "--repo", context.RepoRoot, .. overrides.SelectMany(o => new[] { "--set", o })];
}

[DependsOn(typeof(BuildSolutionTask))]
internal sealed class DataTask : StudyStageTask { protected override string Stage => "data"; }

[DependsOn(typeof(DataTask))]
internal sealed class PretrainTask : StudyStageTask { protected override string Stage => "pretrain"; }

[DependsOn(typeof(PretrainTask))]
internal sealed class TrainTask : StudyStageTask { protected override string Stage => "train"; }

[DependsOn(typeof(TrainTask))]
internal sealed class EvaluateTask : StudyStageTask { protected override string Stage => "evaluate"; }

[DependsOn(typeof(TrainTask))]
internal sealed class AnalyzeTask : StudyStageTask { protected override string Stage => "analyze"; }

[DependsOn(typeof(EvaluateTask))]
[DependsOn(typeof(AnalyzeTask))]
internal sealed class PlotTask : StudyStageTask { protected override string Stage => "plot"; }

[DependsOn(typeof(PlotTask))]
internal sealed class ReportTask : StudyStageTask { protected override string Stage => "report"; }

/// <summary>A group of the study's NUnit tests (tests/Repro.Tests/Study) run on --profile's artifacts.</summary>
internal abstract class StudyTestsTask : BuildTask
{
    protected abstract string TestClass { get; }
    protected abstract string FailureMessage(string profile);

    public override void Run(BuildContext context)
    {
        var profile = Cli.Profile(context);
        if (!TestTask.DotnetTest(context, TestTask.StudyTestProject(context), $"FullyQualifiedName~Repro.Tests.Study.{TestClass}", profile, Cli.Overrides(context)))
            throw new BuildFailedException(FailureMessage(ProfileFile.Read(context, profile).Name));
    }
}

/// <summary>The profile's result tables against expected-results/PROFILE (tolerances beside them).</summary>
[DependsOn(typeof(ReportTask))]
internal sealed class SnapshotTask : StudyTestsTask
{
    public override string Description => "compare the profile's result tables with their verified snapshots";
    protected override string TestClass => "SnapshotTests";
    protected override string FailureMessage(string profile) => $"snapshots of '{profile}' differ (received files in expected-results/{profile})";
}

/// <summary>The paper's claims as NUnit tests over the profile's trained models.</summary>
[DependsOn(typeof(ReportTask))]
internal sealed class ClaimsTask : StudyTestsTask
{
    public override string Description => "the paper's claims (expected-results/paper-claims.json) judged on the profile's run";
    protected override string TestClass => "ClaimTests";
    protected override string FailureMessage(string profile) => $"claims of '{profile}' differ from what is expected (see the test output)";
}

/// <summary>The whole study for --profile (default smoke): data to claims.</summary>
[DependsOn(typeof(SnapshotTask))]
[DependsOn(typeof(ClaimsTask))]
internal sealed class ReproduceTask : BuildTask
{
    public override string Description => "the whole study for --profile (default smoke): data → … → report, snapshots, claims";

    public override void Run(BuildContext context) =>
        context.Info($"report: {Path.Combine(context.Artifacts, ProfileFile.Read(context, Cli.Profile(context)).Name, "report.md")}");
}
