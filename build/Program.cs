using Repro.Build.Engine;
using Spectre.Console;

// The build program (Cake Frosting-shaped): ./build.sh --target NAME [--target NAME …] [--exclusive] [--dryrun]
// [--tree] [--key value …]. Tasks live in Tasks/, one class each.
try
{
    var arguments = BuildArguments.Parse(args);
    var graph = TaskGraph.FromAssembly(typeof(Program).Assembly);
    var context = new BuildContext(FindRepoRoot(), arguments);

    if (arguments.Help)
    {
        PrintHelp(graph);
        return 0;
    }
    if (arguments.Tree)
    {
        PrintTree(graph, arguments.Targets);
        return 0;
    }
    return TaskRunner.Run(graph.Plan(arguments.Targets, arguments.Exclusive), context);
}
catch (ArgumentException e)
{
    AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
    return 2;
}

static string FindRepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Repro.sln"))) return dir.FullName;
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Repro.sln"))) return dir.FullName;
    throw new ArgumentException("cannot find the repository root (the folder holding Repro.sln)");
}

static void PrintHelp(TaskGraph graph)
{
    AnsiConsole.MarkupLine(Markup.Escape("usage: ./build.sh [--target NAME]… [--exclusive] [--dryrun] [--tree] [--key value]…"));
    var table = new Table().Border(TableBorder.Simple).AddColumn("Target").AddColumn("Depends on").AddColumn("What it does");
    foreach (var t in graph.Tasks)
        table.AddRow(t.Name, string.Join(", ", graph.DependenciesOf(t).Select(d => d.Name)), Markup.Escape(t.Description));
    AnsiConsole.Write(table);
}

static void PrintTree(TaskGraph graph, IEnumerable<string> targets)
{
    foreach (var name in targets)
    {
        var root = graph.Find(name);
        var tree = new Tree($"[bold]{root.Name}[/]");
        void Add(IHasTreeNodes node, BuildTask task)
        {
            foreach (var d in graph.DependenciesOf(task)) Add(node.AddNode(d.Name), d);
        }
        Add(tree, root);
        AnsiConsole.Write(tree);
    }
}

internal partial class Program;
