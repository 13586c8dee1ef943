using Repro.Torch.IO;

namespace Repro.Reporting.Plots;

/// <summary>A chart that renders itself as a standalone SVG document.</summary>
internal interface IChart
{
    string ToSvg();
}

internal static class ChartFile
{
    /// <summary>Writes the chart's SVG atomically (a reader never sees a half-written plot).</summary>
    public static void Write(string path, IChart chart) => AtomicFile.WriteAllText(path, chart.ToSvg());
}
