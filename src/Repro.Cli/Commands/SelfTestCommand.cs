using System.CommandLine;
using System.Globalization;
using Repro.SelfTest;
using Repro.Torch;

namespace Repro.Cli.Commands;

/// <summary>
/// <c>repro selftest --device cpu|cuda[:N]</c>: the engine's key computations on the device against the CPU in
/// float64, one line per check as it finishes; exit code 1 when any is outside its tolerance.
/// </summary>
internal static class SelfTestCommand
{
    public static Command Create()
    {
        var device = new Option<string>("--device") { Description = "cpu or cuda[:N]", DefaultValueFactory = _ => "cpu" };
        var command = new Command("selftest", "Check the engine on a device: convolution, batch norm, the YOLOv3 loss, Adam, a training step, "
                                              + "the 107-layer eval forward and CKA, each against the CPU in float64.") { device };
        command.SetAction(parse =>
        {
            var target = Device.Parse(parse.GetValue(device)!);
            Console.WriteLine($"libtorch {torch.version}, {target}, {torch.get_num_threads()} threads; CUDA {(torch.cuda.is_available() ? $"available ({torch.cuda.device_count()} GPU)" : "not available")}");
            Console.WriteLine($"{"check",-14} {"error",9} {"tolerance",9}  {"result",-6} {"seconds",7}  worst part / what");
            var results = EngineSelfTest.Run(target, onResult: r => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Check.Name,-14} {r.Error,9:0.00e+0} {r.Check.Tolerance,9:0e+0}  {(r.Passed ? "ok" : "FAILED"),-6} {r.Elapsed.TotalSeconds,7:F1}  {r.WorstPart} / {r.Check.What}")));
            var failed = results.Count(r => !r.Passed);
            Console.WriteLine(failed == 0 ? $"selftest on {target}: all {results.Count} checks passed" : $"selftest on {target}: {failed} of {results.Count} checks FAILED");
            return failed == 0 ? 0 : 1;
        });
        return command;
    }
}
