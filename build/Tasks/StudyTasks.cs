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
    public static string Profile(BuildContext context) => context.Arguments.Get("profile", "smoke");

    public static List<string> Args(BuildContext context, params string[] args)
    {
        var dll = Path.Combine(context.RepoRoot, "src", "Repro.Cli", "bin", context.Configuration, "net10.0", "Repro.Cli.dll");
        return [dll, .. args, "--profile", Profile(context), "--repo", context.RepoRoot];
    }
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
