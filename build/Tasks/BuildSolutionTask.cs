using Repro.Build.Engine;

namespace Repro.Build.Tasks;

/// <summary>Builds the solution (library, CLI, tests) in the chosen configuration (default Release).</summary>
[TaskName("Build")]
[DependsOn(typeof(NativeTask))]
internal sealed class BuildSolutionTask : BuildTask
{
    public override string Description => "dotnet build of Repro.sln (--configuration, default Release)";

    public override void Run(BuildContext context) =>
        context.Run("dotnet", ["build", "Repro.sln", "-c", context.Configuration, "--nologo", "-v", "quiet", "-clp:ErrorsOnly;Summary"]);
}
