using System.Text.Json.Nodes;
using Repro.Data.Downloads;
using Repro.Data.Generation;
using Repro.Data.Reading;

namespace Repro.Tests.Data;

/// <summary>
/// The datasets as downloaded: each BDD100K release and VIPER found under their roots (generated miniatures in the
/// official layouts), the official splits pooled, and bad files found, counted and named instead of swallowed.
/// </summary>
public class DownloadsTests
{
    private static readonly GeneratorOptions Small = new() { Count = 20, Width = 160, Height = 96, Seed = 5, Workers = 1 };

    [TestCase("2018", "bdd100k_labels_images_train.json")]
    [TestCase("2020", "det_train.json")]
    public void EitherBddReleaseIsFoundUnderItsRootAndItsTrainAndValArePooled(string release, string trainLabels)
    {
        using var dir = new TempDirectory();
        DownloadLayouts.WriteBdd(dir.Path, release, Small);
        var download = BddDownload.Find(dir.Path, ["train", "val"]);
        Assert.That(download.Release, Is.EqualTo(release));
        Assert.That(Path.GetFileName(download.Parts[0].Labels), Is.EqualTo(trainLabels));
        var read = download.Read();
        // 70 % + 10 % of 20 images; test's 20 % has no labels, as published.
        Assert.That(read.Images, Has.Count.EqualTo(14 + 2));
        Assert.That(read.Images.SelectMany(i => i.Boxes), Is.Not.Empty);
        Assert.That(read.Report.Categories.Keys, Does.Contain(release == "2018" ? "person" : "pedestrian"));
        Assert.That(read.Report.UnknownCategories, Is.Empty, "the label map knows both vocabularies");
    }

    [Test]
    public void TheFolderHoldingTheUnpackedBdd100kFolderIsARootToo()
    {
        using var dir = new TempDirectory();
        DownloadLayouts.WriteBdd(Path.Combine(dir.Path, "bdd100k"), "2020", Small);
        Assert.That(BddDownload.Find(dir.Path, ["train"]).Root, Is.EqualTo(Path.Combine(dir.Path, "bdd100k")));
    }

    [Test]
    public void AMissingLabelFileIsAnErrorNamingThePathsOfBothReleases()
    {
        using var dir = new TempDirectory();
        DownloadLayouts.WriteBdd(dir.Path, "2020", Small);
        File.Delete(Path.Combine(dir.Path, BddDownload.Labels2020("val")));
        var e = Assert.Throws<FileNotFoundException>(() => BddDownload.Find(dir.Path, ["train", "val"]))!;
        Assert.That(e.Message, Does.Contain(Path.Combine(dir.Path, "labels", "det_20", "det_val.json"))
            .And.Contain(Path.Combine(dir.Path, "labels", "bdd100k_labels_images_val.json")));
        var images = Assert.Throws<DirectoryNotFoundException>(() =>
        {
            Directory.Delete(Path.Combine(dir.Path, BddDownload.Images("train")), recursive: true);
            BddDownload.Find(dir.Path, ["train"]);
        })!;
        Assert.That(images.Message, Does.Contain(Path.Combine(dir.Path, "images", "100k", "train")));
    }

    [Test]
    public void ViperSplitsArePooledWithTheSplitInTheIdAndASplitFolderIsNotARoot()
    {
        using var dir = new TempDirectory();
        DownloadLayouts.WriteViper(dir.Path, Small with { Width = 320, Height = 180 });
        var read = ViperDownload.Find(dir.Path, ["train", "val"]).Read();
        Assert.That(read.Images, Has.Count.EqualTo(15 + 5));
        Assert.That(read.Images.Select(i => i.Id.Split('/')[0]).Distinct(), Is.EqualTo(new[] { "train", "val" }));
        Assert.That(read.Report.SkippedImages[SkipReason.DuplicateImage], Is.Zero, "each split numbers its sequences from the start");
        var e = Assert.Throws<InvalidDataException>(() => ViperDownload.Find(Path.Combine(dir.Path, "train"), ["train"]))!;
        Assert.That(e.Message, Does.Contain("download root"));
        var missing = Assert.Throws<DirectoryNotFoundException>(() => ViperDownload.Find(dir.Path, ["test"]))!;
        Assert.That(missing.Message, Does.Contain(Path.Combine(dir.Path, "test", "img")));
    }

    [Test]
    public void TruncatedImagesAreSkippedAndNamedOrAnError()
    {
        using var dir = new TempDirectory();
        DownloadLayouts.WriteBdd(dir.Path, "2020", Small);
        DownloadLayouts.WriteViper(Path.Combine(dir.Path, "viper"), Small);
        var jpeg = Directory.GetFiles(Path.Combine(dir.Path, BddDownload.Images("train"))).Order().First();
        var png = Directory.GetFiles(Path.Combine(dir.Path, "viper", "train", "img"), "*.png", SearchOption.AllDirectories).Order().First();
        foreach (var file in new[] { jpeg, png }) Truncate(file);

        var bdd = BddDownload.Find(dir.Path, ["train"]).Read();
        Assert.That(bdd.Report.SkippedImages[SkipReason.UnreadableImage], Is.EqualTo(1));
        Assert.That(bdd.Report.Messages, Has.One.Contains(jpeg).And.Contains("truncated JPEG"));
        var viper = ViperDownload.Find(Path.Combine(dir.Path, "viper"), ["train"]).Read();
        Assert.That(viper.Report.Messages, Has.One.Contains(png).And.Contains("truncated PNG"));

        var e = Assert.Throws<InvalidDataException>(() => bdd.Report.ThrowIfUnreadable("the real dataset", "data.badImages is 'error'"))!;
        Assert.That(e.Message, Does.Contain("1 image(s)").And.Contain(jpeg).And.Contain("badImages"));
    }

    [Test]
    public void AFrameInTwoSplitsBoxesOutsideTheImageAndBoxesWithoutAreaAreCountedAndNamed()
    {
        using var dir = new TempDirectory();
        DownloadLayouts.WriteBdd(dir.Path, "2020", Small);
        var trainLabels = Path.Combine(dir.Path, BddDownload.Labels2020("train"));
        var valLabels = Path.Combine(dir.Path, BddDownload.Labels2020("val"));
        var train = JsonNode.Parse(File.ReadAllText(trainLabels))!.AsArray();
        var val = JsonNode.Parse(File.ReadAllText(valLabels))!.AsArray();
        // train's first frame also in val (its image copied there), and two boxes of another train frame made bad.
        var first = train[0]!["name"]!.GetValue<string>();
        static bool Used(JsonNode? label) => label!["category"]!.GetValue<string>() is "car" or "pedestrian" or "truck" or "bus";
        var other = Enumerable.Range(1, train.Count - 1).First(k => train[k]!["labels"]!.AsArray().Count(Used) >= 2);
        val.Add(train[0]!.DeepClone());
        File.Copy(Path.Combine(dir.Path, BddDownload.Images("train"), first), Path.Combine(dir.Path, BddDownload.Images("val"), first));
        var labels = train[other]!["labels"]!.AsArray();
        var (outside, flat) = (labels.Index().First(l => Used(l.Item)).Index, labels.Index().Where(l => Used(l.Item)).Skip(1).First().Index);
        labels[outside]!["box2d"]!["x2"] = 10_000.0;
        labels[flat]!["box2d"]!["x1"] = 50.0;
        labels[flat]!["box2d"]!["x2"] = 50.0;
        File.WriteAllText(trainLabels, train.ToJsonString());
        File.WriteAllText(valLabels, val.ToJsonString());

        var read = BddDownload.Find(dir.Path, ["train", "val"]).Read();
        Assert.That(read.Images, Has.Count.EqualTo(14 + 2), "the duplicate is kept once");
        var report = read.Report;
        Assert.That(report.SkippedImages[SkipReason.DuplicateImage], Is.EqualTo(1));
        Assert.That(report.Messages, Has.One.Contains(Path.GetFileNameWithoutExtension(first)).And.Contains("split val is also in split train"));
        Assert.That(report.ClippedBoxes, Is.EqualTo(1));
        Assert.That(report.Messages, Has.One.Contains($"label {outside}").And.Contains("reaches outside the 160x96 image"));
        Assert.That(report.DroppedBoxes[DropReason.NonPositiveArea], Is.EqualTo(1));
        Assert.That(report.Messages, Has.One.Contains($"label {flat}").And.Contains("has no area"));
    }

    private static void Truncate(string file)
    {
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..(bytes.Length / 3)]);
    }
}
