using Repro.Build.Engine;

namespace Repro.Build.Tasks;

/// <summary>Runs `repro bench`: engine speed as ratios to the machine's measured limits; then, when python3-torch is
/// installed, repro against PyTorch eager on the same models (<see cref="PyTorchComparison"/>).</summary>
[DependsOn(typeof(BuildSolutionTask))]
internal sealed class BenchTask : BuildTask
{
    public override string Description => "repro bench (conv GFLOP/s vs direct libtorch, per-op overhead, …)";

    public override void Run(BuildContext context)
    {
        var args = new List<string> { "run", "--project", "src/Repro.Cli", "-c", context.Configuration, "--no-build", "--", "bench" };
        foreach (var (key, values) in context.Arguments.PassThrough)
            if (!key.Equals("configuration", StringComparison.OrdinalIgnoreCase))
                foreach (var v in values) args.AddRange([$"--{key}", v]);
        context.Run("dotnet", args);
        PyTorchComparison.Run(context);
    }
}
