using System.CommandLine;
using Repro.Cli.Commands;

// `repro`: one subcommand per capability; each lives in Commands/ and builds its own System.CommandLine tree.
var root = new RootCommand("Repro: reproduce 'Object Detector Differences when using Synthetic and Real Training Data'.");
foreach (var command in new[]
         {
             BenchCommand.Create(),
             ModelCommand.Create(),
             EvaluateCommand.Create(),
             DataCommand.Create(),
             StudyCommand.Create(),
             SnapshotCommand.Create(),
             CkaCommand.Create(),
             MutantsCommand.Create(),
             SelfTestCommand.Create(),
         })
{
    root.Subcommands.Add(command);
}
return await root.Parse(args).InvokeAsync();
