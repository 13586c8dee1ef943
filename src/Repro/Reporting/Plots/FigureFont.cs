using ScottPlot;
using SkiaSharp;

namespace Repro.Reporting.Plots;

/// <summary>
/// The one typeface of every figure: DejaVu Sans (regular and bold), embedded in this assembly. Skia here is the build
/// without fontconfig; it finds fonts by scanning /usr/share/fonts, and on a machine without any it draws no text at all
/// (a PNG with bare axes). Drawing from the embedded font instead gives every machine the same glyphs, so the same
/// run gives the same PNG wherever it is plotted.
/// </summary>
internal static class FigureFont
{
    /// <summary>The family name the figures ask for, and the one their SVG text names.</summary>
    public const string Name = "DejaVu Sans";

    private static readonly Lazy<EmbeddedFontResolver> Resolver = new(() =>
    {
        var resolver = new EmbeddedFontResolver(Load("DejaVuSans.ttf"), Load("DejaVuSans-Bold.ttf"));
        // First in line: ScottPlot asks each resolver in turn and takes the first typeface it gets.
        Fonts.FontResolvers.Insert(0, resolver);
        // The font every label of every plot created from now on is set in (ScottPlot's default is process-wide).
        Fonts.Default = Name;
        return resolver;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Makes the embedded font the one new plots draw with; call before creating a plot. (ScottPlot's own
    /// <c>Plot.Font.Set</c> is no substitute: it pins a regular typeface on every label, and a bold title stays regular.)
    /// </summary>
    public static void Use() => _ = Resolver.Value;

    private static SKTypeface Load(string file)
    {
        var resource = $"Repro.Reporting.Plots.Fonts.{file}";
        using var stream = typeof(FigureFont).Assembly.GetManifestResourceStream(resource)
                           ?? throw new InvalidOperationException($"embedded font {resource} is missing from {typeof(FigureFont).Assembly.GetName().Name}");
        // Skia reads the font lazily from its stream: hand it a copy it owns.
        var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        bytes.Position = 0;
        return SKTypeface.FromStream(bytes) ?? throw new InvalidOperationException($"embedded font {resource} is not a font Skia can read");
    }

    /// <summary>Answers for <see cref="Name"/> only (bold for semi-bold and heavier); other names go to the next resolver.</summary>
    private sealed class EmbeddedFontResolver(SKTypeface regular, SKTypeface bold) : IFontResolver
    {
        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
            fontName == Name ? weight >= FontWeight.SemiBold ? bold : regular : null;

        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            CreateTypeface(fontName, bold ? FontWeight.Bold : FontWeight.Normal, italic ? FontSlant.Italic : FontSlant.Upright, FontSpacing.Normal);
    }
}
