using System.CommandLine;

namespace Repro.Cli.Commands;

/// <summary><c>repro bench</c>: speed and memory of the engine, as ratios to the machine's limits.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Measure the engine: conv GFLOP/s against libtorch's C++ API, per-op overhead.");
        command.SetAction(_ =>
        {
            Console.WriteLine($"libtorch {Repro.Torch.torch.version}, {Repro.Torch.torch.get_num_threads()} threads");
            return 0;
        });
        return command;
    }
}
