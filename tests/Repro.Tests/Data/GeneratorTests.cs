using Repro.Data;
using Repro.Data.Generation;
using Repro.Data.Labels;
using Repro.Data.Pretraining;
using Repro.Data.Reading;
using Repro.Data.Statistics;
using Repro.Torch;

namespace Repro.Tests.Data;

public class GeneratorTests
{
    private static GeneratorOptions Options(Domain domain, int count, int workers = 2, long seed = 11, int width = 128, int height = 72) =>
        new() { Domain = domain, Count = count, Seed = seed, Width = width, Height = height, Workers = workers, FramesPerSequence = 4 };

    private static Dictionary<string, byte[]> Files(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).ToDictionary(p => Path.GetRelativePath(root, p), File.ReadAllBytes);

    [TestCase(Domain.Real)]
    [TestCase(Domain.Synthetic)]
    public void SameSeedGivesIdenticalFilesWhateverTheWorkers(Domain domain)
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();
        using var c = new TempDirectory();
        StreetSceneGenerator.Generate(Options(domain, 6, workers: 1), a.Path);
        StreetSceneGenerator.Generate(Options(domain, 6, workers: 2), b.Path);
        StreetSceneGenerator.Generate(Options(domain, 6, seed: 12), c.Path);
        var fa = Files(a.Path);
        var fb = Files(b.Path);
        Assert.That(fb.Keys, Is.EquivalentTo(fa.Keys));
        Assert.That(fa.Keys.Count(k => k.EndsWith(domain == Domain.Real ? ".jpg" : ".png")), Is.EqualTo(6));
        foreach (var (name, bytes) in fa) Assert.That(fb[name], Is.EqualTo(bytes), name);
        var fc = Files(c.Path);
        Assert.That(fa.Keys.Where(k => k.EndsWith(".png") || k.EndsWith(".jpg")).Count(k => fc.TryGetValue(k, out var other) && other.SequenceEqual(fa[k])), Is.Zero,
            "another seed gives other images");
    }

    [TestCase(Domain.Real)]
    [TestCase(Domain.Synthetic)]
    public void EveryBoxIsTightAroundItsVisiblePixels(Domain domain)
    {
        using var dir = new TempDirectory();
        var options = Options(domain, 8);
        StreetSceneGenerator.Generate(options, dir.Path);
        var read = DatasetSource.TryDetect(dir.Path)!.Read(filter: BoxFilter.None);
        Assert.That(read.Images, Has.Count.EqualTo(8));
        var hidden = 0;
        var mostlyHidden = 0;
        var touchingBorder = 0;
        for (var i = 0; i < 8; i++)
        {
            var scene = StreetScene.Render(domain, options.EffectiveRealism, options.Seed, i, options.Width, options.Height);
            var ids = scene.Canvas.Instance;
            var expected = new List<BoundingBox>();
            foreach (var o in scene.Objects)
            {
                if (ExpectedClass(o.Kind, domain) is not { } cls) continue;
                // Extent of the instance's pixels, computed here from the instance buffer.
                int x1 = int.MaxValue, y1 = int.MaxValue, x2 = -1, y2 = -1, pixels = 0;
                for (var y = 0; y < options.Height; y++)
                    for (var x = 0; x < options.Width; x++)
                        if (ids[y * options.Width + x] == o.Instance)
                            (x1, y1, x2, y2, pixels) = (Math.Min(x1, x), Math.Min(y1, y), Math.Max(x2, x + 1), Math.Max(y2, y + 1), pixels + 1);
                if (x2 < 0) { hidden++; continue; }
                var drawn = scene.Canvas.DrawnPixels(o.Instance);
                Assert.That(drawn, Is.GreaterThanOrEqualTo(pixels), "an instance cannot show more pixels than it covered when drawn");
                if (pixels < StreetScene.MinVisibleFraction * drawn) { mostlyHidden++; continue; }
                if (x1 == 0 || y1 == 0 || x2 == options.Width || y2 == options.Height) touchingBorder++;
                expected.Add(new BoundingBox(cls, x1, y1, x2, y2));
            }
            var image = read.Images.Single(img => img.Id == (domain == Domain.Real
                ? Path.GetFileNameWithoutExtension(StreetSceneGenerator.ImageName(options.Seed, i))
                : StreetSceneGenerator.ViperFrameId(i, options.FramesPerSequence)));
            Assert.That(image.Boxes, Is.EquivalentTo(expected), $"image {i}");
        }
        Assert.That(hidden, Is.GreaterThan(0), "some objects are fully hidden (and got no box)");
        Assert.That(mostlyHidden, Is.GreaterThan(0), "some objects are mostly hidden (and got no box either)");
        Assert.That(touchingBorder, Is.GreaterThan(0), "some objects are cut by the border (and got clipped boxes)");
    }

    private static CommonClass? ExpectedClass(ObjectKind kind, Domain domain)
    {
        var map = LabelMap.Default;
        if (domain == Domain.Real)
            return kind.BddCategory(BddVocabulary.Bdd2020) is { } c && map.Vocabulary(LabelMap.Bdd100k).Lookup(c, out var cls) == LabelLookup.Mapped ? cls : null;
        return kind.ViperClassId() is { } id && map.Vocabulary(LabelMap.Viper).Lookup(id.ToString(), out var v) == LabelLookup.Mapped ? v : null;
    }

    [Test]
    public void SyntheticFramesCarryTheHoodAndTinyBoxesForTheFilters()
    {
        using var dir = new TempDirectory();
        // At 320 wide the 100 px² of a 1920 frame scale to 2.8 px²: the tiny far objects fall under it.
        StreetSceneGenerator.Generate(Options(Domain.Synthetic, 6, width: 320, height: 180), dir.Path);
        var read = DatasetSource.TryDetect(dir.Path)!.Read();
        Assert.That(read.Report.DroppedBoxes[DropReason.Hood], Is.GreaterThan(0));
        Assert.That(read.Report.DroppedBoxes[DropReason.SmallArea], Is.GreaterThan(0));
        Assert.That(read.Report.DroppedBoxes[DropReason.UnknownCategory], Is.Zero);
        var csv = File.ReadAllText(Directory.EnumerateFiles(Path.Combine(dir.Path, "bb"), "*.csv", SearchOption.AllDirectories).First());
        Assert.That(csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).All(l => l.Split(',').Length == 6));
    }

    [Test]
    public void DomainsShareClassesButDifferInNoiseSaturationAndSharpness()
    {
        using var real = new TempDirectory();
        using var synthetic = new TempDirectory();
        StreetSceneGenerator.Generate(Options(Domain.Real, 40, width: 160, height: 90), real.Path);
        StreetSceneGenerator.Generate(Options(Domain.Synthetic, 40, width: 160, height: 90), synthetic.Path);
        var r = DatasetSource.TryDetect(real.Path)!.Read();
        var s = DatasetSource.TryDetect(synthetic.Path)!.Read();
        var rs = DatasetStatistics.Compute(r);
        var ss = DatasetStatistics.Compute(s);
        foreach (var c in CommonClasses.All)
        {
            Assert.That(rs.BoxesPerClass[c], Is.GreaterThan(0), $"real has {c}");
            Assert.That(ss.BoxesPerClass[c], Is.GreaterThan(0), $"synthetic has {c}");
        }
        var real3 = ImageStatistics(r.Images.Select(i => i.ImagePath));
        var syn3 = ImageStatistics(s.Images.Select(i => i.ImagePath));
        TestContext.Out.WriteLine($"noise real {real3.Noise:F2} synthetic {syn3.Noise:F2}; saturation {real3.Saturation:F3} / {syn3.Saturation:F3}; sharpness {real3.Sharpness:F1} / {syn3.Sharpness:F1}");
        Assert.That(real3.Noise, Is.GreaterThan(syn3.Noise + 1), "sensor noise: median step between neighbours (grey levels)");
        Assert.That(syn3.Saturation, Is.GreaterThan(1.2 * real3.Saturation), "saturation");
        Assert.That(syn3.Sharpness, Is.GreaterThan(1.2 * real3.Sharpness), "sharpness: mean of the strongest 1% steps");
    }

    // Noise: median |I(x+1) − I(x)| over all pixels (flat regions dominate); saturation: mean (max − min) / max;
    // sharpness: the mean of the largest 1% of horizontal steps (edges).
    private static (double Noise, double Saturation, double Sharpness) ImageStatistics(IEnumerable<string> paths)
    {
        var steps = new List<int>();
        double saturation = 0;
        long pixels = 0;
        foreach (var path in paths)
        {
            using var t = Image.Read(path);
            var (h, w) = ((int)t.size(0), (int)t.size(1));
            var p = t.ToArray<byte>();
            for (var y = 0; y < h; y++)
                for (var x = 0; x < w; x++)
                {
                    var i = 3 * (y * w + x);
                    int max = Math.Max(p[i], Math.Max(p[i + 1], p[i + 2])), min = Math.Min(p[i], Math.Min(p[i + 1], p[i + 2]));
                    saturation += max == 0 ? 0 : (double)(max - min) / max;
                    pixels++;
                    if (x + 1 < w)
                        for (var c = 0; c < 3; c++) steps.Add(Math.Abs(p[i + 3 + c] - p[i + c]));
                }
        }
        steps.Sort();
        var top = steps.Skip(steps.Count - steps.Count / 100).Average();
        return (steps[steps.Count / 2], saturation / pixels, top);
    }

    [Test]
    public void PreparingAGeneratedSetWritesListsAndAReportThatAddUp()
    {
        using var data = new TempDirectory();
        using var prepared = new TempDirectory();
        StreetSceneGenerator.Generate(Options(Domain.Real, 10), data.Path);
        var (read, split, report) = Repro.Data.Splitting.DataPreparation.Prepare(DatasetSource.TryDetect(data.Path)!, 4, prepared.Path);
        Assert.That(Repro.Data.Splitting.DatasetSplit.Read(prepared.Path).Train, Is.EqualTo(split.Train));
        Assert.That(report.Splits.Values.Sum(s => s.Images), Is.EqualTo(10));
        Assert.That(report.Splits.Values.Sum(s => s.BoxesPerClass.Values.Sum()), Is.EqualTo(read.Images.Sum(i => i.Boxes.Count)));
        Assert.That(Repro.Data.Splitting.DataPreparation.Select(read, split.Test).Select(i => i.Id), Is.EqualTo(split.Test));
        Assert.That(File.Exists(Path.Combine(prepared.Path, "report.json")));
    }

    [Test]
    public void PretrainingSetHasTenOrMoreClassesAndReadsBack()
    {
        using var dir = new TempDirectory();
        var n = PretrainingSetGenerator.Generate(new PretrainingSetOptions { PerClass = 2, Size = 16, Seed = 3 }, dir.Path);
        var set = PretrainingSet.Read(dir.Path);
        Assert.That(set.Classes, Has.Count.GreaterThanOrEqualTo(10));
        Assert.That(set.Images, Has.Count.EqualTo(n));
        foreach (var image in set.Images)
        {
            Assert.That(Path.GetFileName(Path.GetDirectoryName(image.Path)), Is.EqualTo(set.Classes[image.Label]));
            using var t = Image.Read(image.Path);
            Assert.That(t.shape, Is.EqualTo(new long[] { 16, 16, 3 }));
        }
    }

    [Test]
    public void PretrainingRealismRangeDrawsACameraPerCropAndItsDefaultIsTheRealDomainsCamera()
    {
        Dictionary<string, byte[]> Set((double, double)? realism)
        {
            using var dir = new TempDirectory();
            var options = new PretrainingSetOptions { PerClass = 2, Size = 16, Seed = 3 };
            PretrainingSetGenerator.Generate(realism is { } r ? options with { Realism = r } : options, dir.Path);
            return Files(dir.Path);
        }
        var byDefault = Set(null);
        Assert.That(Set((1, 1)), Is.EqualTo(byDefault), "the default is level 1 for every crop, and a single level draws nothing");
        var mixed = Set((0, 1));
        Assert.That(mixed.Keys, Is.EquivalentTo(byDefault.Keys));
        Assert.That(mixed.Count(f => !f.Value.AsSpan().SequenceEqual(byDefault[f.Key])), Is.GreaterThan(byDefault.Count / 2),
            "most crops are shot with another camera");
        Assert.That(Set((0, 1)), Is.EqualTo(mixed), "the draws are a function of the seed and the item");
        using var dir = new TempDirectory();
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            PretrainingSetGenerator.Generate(new PretrainingSetOptions { PerClass = 1, Size = 16, Realism = (0.8, 0.2) }, dir.Path));
    }

    [Test]
    public void PretrainingIndexErrorsNameTheLine()
    {
        using var dir = new TempDirectory();
        dir.File("index.csv", "path,label\ncar/a.jpg,car\n");
        var e = Assert.Throws<FileNotFoundException>(() => PretrainingSet.Read(dir.Path));
        Assert.That(e!.Message, Does.Contain("line 2").And.Contain("a.jpg"));
    }
}
