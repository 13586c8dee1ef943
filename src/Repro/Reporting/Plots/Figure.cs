using System.Text.RegularExpressions;
using Repro.Torch.IO;
using ScottPlot;

namespace Repro.Reporting.Plots;

/// <summary>
/// A finished plot and the size it is drawn at, written twice: SVG for the report (GitHub shows it, it scales) and PNG
/// for slides and a quick look. Disposing the figure disposes its plot.
/// </summary>
internal sealed partial class Figure(Plot plot, int width, int height) : IDisposable
{
    public Plot Plot { get; } = plot;
    public int Width { get; } = width;
    public int Height { get; } = height;

    /// <summary>
    /// The SVG's text keeps the glyph positions of the embedded font (Skia places every glyph); a viewer without DejaVu
    /// Sans takes the next family named here. Verdana, installed on most desktops, is about as wide as DejaVu Sans, so
    /// its letters fill those positions without gaps or overlaps; any other sans face stays legible, only spaced.
    /// </summary>
    public const string SvgFontFamilies = $"{FigureFont.Name}, Verdana, sans-serif";

    /// <summary>The figure as an SVG document: the same figure gives the same text, whatever the process drew before it.</summary>
    public string Svg() =>
        NumberClipPathsFromOne(Plot.GetSvgXml(Width, Height))
            .Replace($"font-family=\"{FigureFont.Name}\"", $"font-family=\"{SvgFontFamilies}\"", StringComparison.Ordinal);

    /// <summary>
    /// Skia names clip paths with a counter over every SVG the process has drawn (cl_c2 in the tenth figure): renamed
    /// clip-1, clip-2, … in order of appearance, a figure's file depends on the figure alone and two runs diff cleanly.
    /// </summary>
    private static string NumberClipPathsFromOne(string svg)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        return SkiaClipId().Replace(svg, m =>
        {
            if (!names.TryGetValue(m.Value, out var name)) names[m.Value] = name = $"clip-{names.Count + 1}";
            return name;
        });
    }

    [GeneratedRegex(@"(?<=id=""|url\(#)cl_[0-9a-f]+\b")]
    private static partial Regex SkiaClipId();

    /// <summary>The figure as PNG bytes.</summary>
    public byte[] Png() => Plot.GetImageBytes(Width, Height, ImageFormat.Png);

    /// <summary>Writes <paramref name="name"/>.svg and <paramref name="name"/>.png into <paramref name="directory"/>, each atomically.</summary>
    public void Save(string directory, string name)
    {
        AtomicFile.WriteAllText(Path.Combine(directory, name + ".svg"), Svg());
        AtomicFile.WriteAllBytes(Path.Combine(directory, name + ".png"), Png());
    }

    public void Dispose() => Plot.Dispose();
}
