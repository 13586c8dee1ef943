using System.Buffers.Binary;
using System.Xml.Linq;
using Repro.Reporting.Plots;
using ScottPlot;

namespace Repro.Tests.Reporting.Plots;

[TestFixture]
public class FigureTests
{
    private static Repro.Reporting.Plots.Figure Small() =>
        MapBarsFigure.Create("mAP × seeds – n/a", ["U-Real", "U-Synthetic"], [new MapSeries("real test set", [0.4, 0.2])]);

    [Test]
    public void Save_writes_the_svg_and_the_png_at_the_figures_size_and_nothing_else()
    {
        var dir = Directory.CreateTempSubdirectory("repro-figure-").FullName;
        try
        {
            using (var figure = Small()) figure.Save(dir, "map");
            Assert.That(Directory.GetFiles(dir).Select(Path.GetFileName).Order(), Is.EqualTo(new[] { "map.png", "map.svg" }));

            var svg = XDocument.Load(Path.Combine(dir, "map.svg")).Root!;
            Assert.That(svg.Name.LocalName, Is.EqualTo("svg"));
            Assert.That(((string?)svg.Attribute("width"), (string?)svg.Attribute("height")), Is.EqualTo(($"{MapBarsFigure.Width}", $"{MapBarsFigure.Height}")));
            var texts = svg.Descendants().Where(e => e.Name.LocalName == "text").ToList();
            Assert.That(texts.Select(t => t.Value.Trim()), Does.Contain("mAP × seeds – n/a"), "the title, non-ASCII characters included");
            Assert.That(texts.Select(t => (string?)t.Attribute("font-family")).Distinct(), Is.EqualTo(new[] { Repro.Reporting.Plots.Figure.SvgFontFamilies }));

            var png = File.ReadAllBytes(Path.Combine(dir, "map.png"));
            Assert.That(png.Take(8), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a }), "PNG signature");
            // The IHDR chunk, first after the signature, holds width and height big-endian.
            Assert.That((BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20))),
                Is.EqualTo((MapBarsFigure.Width, MapBarsFigure.Height)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void The_same_figure_drawn_twice_gives_the_same_bytes()
    {
        using var a = Small();
        using var b = Small();
        Assert.That(a.Svg(), Is.EqualTo(b.Svg()));
        Assert.That(a.Png(), Is.EqualTo(b.Png()));
    }

    [Test]
    public void Text_is_set_in_the_embedded_font_regular_and_bold_whatever_the_machine_has_installed()
    {
        FigureFont.Use();
        var regular = Fonts.GetTypeface(FigureFont.Name, bold: false, italic: false);
        var bold = Fonts.GetTypeface(FigureFont.Name, bold: true, italic: false);
        Assert.That((regular.FamilyName, regular.FontWeight), Is.EqualTo((FigureFont.Name, 400)));
        Assert.That((bold.FamilyName, bold.FontWeight), Is.EqualTo((FigureFont.Name, 700)));
        // Every glyph the figures' text uses (×, –, µ-free) is in the font, so no label falls back to another one.
        foreach (var text in new[] { "Layer × layer CKA", "backbone (0–74)", "mAP@0.5", "95% bootstrap interval" })
            Assert.That(regular.ContainsGlyphs(text), Is.True, text);
    }
}
