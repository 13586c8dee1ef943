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

    /// <summary>
    /// Runs a program in the repository root, streaming its output; a non-zero exit fails the task. Environment
    /// entries are set for the program, or removed from what it inherits when their value is null.
    /// </summary>
    public void Run(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var list = args.ToList();
        var shown = environment is null ? "" : string.Join("", environment.Select(e => e.Value is null ? $"-u {e.Key} " : $"{e.Key}={e.Value} "));
        AnsiConsole.MarkupLine($"[blue]>[/] {Markup.Escape(shown + program + " " + string.Join(' ', list.Select(Quote)))}");
        var info = new ProcessStartInfo(program) { WorkingDirectory = RepoRoot, UseShellExecute = false };
        foreach (var a in list) info.ArgumentList.Add(a);
        SetEnvironment(info, environment);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {program}");
        process.WaitForExit();
        if (process.ExitCode != 0) throw new BuildFailedException($"{program} exited with code {process.ExitCode}");
    }

    /// <summary>Runs a program quietly and returns its exit code and standard output.</summary>
    public (int ExitCode, string Output) Capture(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = RepoRoot, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        SetEnvironment(info, environment);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {program}");
        var output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    private static void SetEnvironment(ProcessStartInfo info, IReadOnlyDictionary<string, string?>? environment)
    {
        if (environment is null) return;
        foreach (var (k, v) in environment)
            if (v is null) info.Environment.Remove(k);
            else info.Environment[k] = v;
    }

    private static string Quote(string a) => a.Contains(' ') ? $"\"{a}\"" : a;
}

/// <summary>A task failed in an expected way (a tool's exit code): reported without a stack trace.</summary>
internal sealed class BuildFailedException(string message) : Exception(message);
