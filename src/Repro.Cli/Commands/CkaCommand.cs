using System.CommandLine;
using System.Globalization;
using Repro.Similarity;

namespace Repro.Cli.Commands;

/// <summary><c>repro cka</c>: linear CKA between two activation arrays saved by any framework as .npy.</summary>
internal static class CkaCommand
{
    public static Command Create()
    {
        var x = new Option<FileInfo>("--x") { Description = "First activations (.npy, float32/float64, C order; first axis = examples).", Required = true };
        var y = new Option<FileInfo>("--y") { Description = "Second activations, same examples in the same order.", Required = true };
        var debiased = new Option<bool>("--debiased") { Description = "Use the debiased (U-centered HSIC) estimator instead of the biased one." };
        var command = new Command("cka", "Linear CKA (Kornblith et al. 2019) between two activation arrays; prints the value.");
        command.Options.Add(x);
        command.Options.Add(y);
        command.Options.Add(debiased);
        command.SetAction(parseResult =>
        {
            try
            {
                var value = NpyCka.Compute(parseResult.GetValue(x)!.FullName, parseResult.GetValue(y)!.FullName, parseResult.GetValue(debiased));
                Console.WriteLine(value.ToString("R", CultureInfo.InvariantCulture));
                return 0;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException)
            {
                Console.Error.WriteLine($"repro cka: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
