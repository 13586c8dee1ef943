namespace Repro.Models.Darknet;

/// <summary>A darknet cfg that cannot be used as written: the message names the file and the line.</summary>
public sealed class DarknetCfgException(string file, int line, string problem)
    : FormatException($"{file}:{line}: {problem}")
{
    public string File { get; } = file;
    public int Line { get; } = line;
    public string Problem { get; } = problem;
}
