using System.Diagnostics;
using Spectre.Console;

namespace Repro.Build.Engine;

/// <summary>What every task sees: the repository, the arguments, and a way to run programs.</summary>
internal sealed class BuildContext(string repoRoot, BuildArguments arguments)
{
    public string RepoRoot { get; } = repoRoot;
    public BuildArguments Arguments { get; } = arguments;
    public string Configuration => Arguments.Get("configuration", "Release");
    public string Artifacts => Path.Combine(RepoRoot, "artifacts");
    public string NativeDir => Path.Combine(Artifacts, "native");
    public string? LibTorchDir => Environment.GetEnvironmentVariable("LIBTORCH_DIR") is { Length: > 0 } d ? d : null;

    public void Info(string message) => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(message)}[/]");

    /// <summary>Runs a program in the repository root, streaming its output; a non-zero exit fails the task.</summary>
    public void Run(string program, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var list = args.ToList();
        AnsiConsole.MarkupLine($"[blue]>[/] {Markup.Escape(program + " " + string.Join(' ', list.Select(Quote)))}");
        var info = new ProcessStartInfo(program) { WorkingDirectory = RepoRoot, UseShellExecute = false };
        foreach (var a in list) info.ArgumentList.Add(a);
        if (environment is not null) foreach (var (k, v) in environment) info.Environment[k] = v;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {program}");
        process.WaitForExit();
        if (process.ExitCode != 0) throw new BuildFailedException($"{program} exited with code {process.ExitCode}");
    }

    /// <summary>Runs a program quietly and returns its exit code and standard output.</summary>
    public (int ExitCode, string Output) Capture(string program, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = RepoRoot, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {program}");
        var output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    private static string Quote(string a) => a.Contains(' ') ? $"\"{a}\"" : a;
}

/// <summary>A task failed in an expected way (a tool's exit code): reported without a stack trace.</summary>
internal sealed class BuildFailedException(string message) : Exception(message);
