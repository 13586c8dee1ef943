using System.CommandLine;

namespace Repro.Cli.Commands;

/// <summary>
/// <c>repro mutants</c>: the deliberate bugs the Mutants build target runs (name, stage, bug; tab-separated), each
/// switched on by REPRO_MUTANT=NAME. A bug that changes one model's tasks says so in its text.
/// </summary>
internal static class MutantsCommand
{
    public static Command Create()
    {
        var command = new Command("mutants", "List the deliberate bugs that measure the checks' power (REPRO_MUTANT=NAME switches one on; ./build.sh --target Mutants runs them).");
        command.SetAction(_ =>
        {
            foreach (var m in Repro.Mutants.Mutants.All) Console.WriteLine($"{m.Name}\t{m.Stage}\t{m.Bug}");
            return 0;
        });
        return command;
    }
}
