namespace Repro.Reporting.Snapshots;

/// <summary>A line only the verified text has (<see cref="Removed"/>) or only the obtained text has; line numbers are 1-based in their own file.</summary>
internal sealed record LineDifference(bool Removed, int Line, string Text);

/// <summary>The difference between an obtained text snapshot (Markdown) and its verified one: the lines of a minimal diff.</summary>
internal sealed record TextComparison(IReadOnlyList<LineDifference> Lines)
{
    public bool IsMatch => Lines.Count == 0;
}
