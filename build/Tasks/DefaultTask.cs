using Repro.Build.Engine;

namespace Repro.Build.Tasks;

/// <summary>What ./build.sh does without --target: build everything.</summary>
[DependsOn(typeof(BuildSolutionTask))]
internal sealed class DefaultTask : BuildTask
{
    public override string Description => "build native and managed code";

    public override void Run(BuildContext context) => context.Info("built; run ./build.sh --target Test to test");
}
