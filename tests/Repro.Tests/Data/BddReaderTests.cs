using Repro.Data;
using Repro.Data.Bdd;
using Repro.Data.Reading;

namespace Repro.Tests.Data;

public class BddReaderTests
{
    private static string Label(string category, double x1, double y1, double x2, double y2) =>
        "{\"category\": \"" + category + "\", \"box2d\": {\"x1\": " + x1 + ", \"y1\": " + y1 + ", \"x2\": " + x2 + ", \"y2\": " + y2 + "}}";

    [Test]
    public void ReadsBothVocabulariesClipsAndCountsTheBadCases()
    {
        using var dir = new TempDirectory();
        DataFixtures.WriteImage(Path.Combine(dir.Path, "images", "a.jpg"), 40, 30);
        DataFixtures.WriteImage(Path.Combine(dir.Path, "images", "b.png"), 40, 30);
        var labels = dir.File("labels.json", $$"""
            [
              {"name": "a.jpg", "attributes": {"weather": "clear", "timeofday": "night"}, "labels": [
                {{Label("car", 1, 2, 11, 12)}},
                {{Label("rider", 5, 5, 9, 20)}},
                {{Label("bike", -5, 10, 8, 25)}},
                {{Label("traffic light", 1, 1, 3, 3)}},
                {{Label("zeppelin", 1, 1, 3, 3)}},
                {{Label("truck", 10, 10, 10, 20)}},
                {{Label("bus", 50, 1, 60, 10)}},
                {"category": "drivable area", "poly2d": []},
                {"category": "car"}
              ]},
              {"name": "b.png", "labels": [ {{Label("pedestrian", 2, 3, 6, 28)}}, {{Label("motorcycle", 30, 20, 45, 35)}} ]},
              {"name": "missing.jpg", "labels": [ {{Label("car", 1, 1, 5, 5)}} ]},
              {"name": "nolabels.jpg"}
            ]
            """);
        DataFixtures.WriteImage(Path.Combine(dir.Path, "images", "nolabels.jpg"), 40, 30);

        var read = BddReader.Read(labels, Path.Combine(dir.Path, "images"));

        Assert.That(read.Images.Select(i => i.Id), Is.EqualTo(new[] { "a", "b", "nolabels" }));
        var a = read.Images[0];
        Assert.That((a.Width, a.Height), Is.EqualTo((40, 30)));
        Assert.That(a.Boxes, Is.EqualTo(new[]
        {
            new BoundingBox(CommonClass.Car, 1, 2, 11, 12),
            new BoundingBox(CommonClass.Person, 5, 5, 9, 20),
            new BoundingBox(CommonClass.Cycle, 0, 10, 8, 25), // clipped at the left edge
        }));
        Assert.That(read.Images[1].Boxes, Is.EqualTo(new[]
        {
            new BoundingBox(CommonClass.Person, 2, 3, 6, 28),
            new BoundingBox(CommonClass.Cycle, 30, 20, 40, 30),
        }));
        Assert.That(read.Images[2].Boxes, Is.Empty);
        var r = read.Report;
        Assert.That(r.DroppedBoxes[DropReason.IgnoredCategory], Is.EqualTo(2)); // traffic light, drivable area
        Assert.That(r.DroppedBoxes[DropReason.UnknownCategory], Is.EqualTo(1));
        Assert.That(r.UnknownCategories["zeppelin"], Is.EqualTo(1));
        Assert.That(r.DroppedBoxes[DropReason.NonPositiveArea], Is.EqualTo(2)); // zero width truck, bus outside the image
        Assert.That(r.DroppedBoxes[DropReason.MissingBox], Is.EqualTo(1));
        Assert.That(r.ClippedBoxes, Is.EqualTo(2));
        Assert.That(r.SkippedImages[SkipReason.MissingImage], Is.EqualTo(1));
        Assert.That(r.Messages, Has.Some.Contains("missing.jpg").And.Contains("frame 2"));
        Assert.That(r.Messages, Has.Some.Contains("zeppelin").And.Contains("frame 0").And.Contains("label 4"));
    }

    [Test]
    public void StreamsFramesWithAttributes()
    {
        using var dir = new TempDirectory();
        var labels = dir.File("l.json", """[{"name": "x.jpg", "attributes": {"weather": "rainy", "occluded": true}, "labels": []}, {"name": "y.jpg", "labels": null}]""");
        var frames = BddReader.ReadFrames(labels).ToList();
        Assert.That(frames.Select(f => f.Name), Is.EqualTo(new[] { "x.jpg", "y.jpg" }));
        Assert.That(frames[0].Attributes["weather"], Is.EqualTo("rainy"));
        Assert.That(frames[0].Attributes["occluded"], Is.EqualTo("true"));
        Assert.That(frames[1].Labels, Is.Empty);
    }

    [TestCase("""[{"name": "a.jpg", "labels": []}, {"name": "b.jpg", "labels": [ {"category": "car", "box2d": {"x1": 1, """, "frame 1")]
    [TestCase("""{"name": "a.jpg"}""", "frame 0")]
    [TestCase("""[{"name": "a.jpg", "labels": [{"category": "car", "box2d": {"x1": "left"}}]}]""", "frame 0")]
    [TestCase("""[{"name": "a.jpg"}, {"labels": []}]""", "frame 1 has no 'name'")]
    [TestCase("""[{"name": "a.jpg", "labels": [{"box2d": {"x1": 1, "y1": 1, "x2": 2, "y2": 2}}]}]""", "label 0: no 'category'")]
    public void MalformedLabelFilesAreErrorsNamingFileAndFrame(string json, string expected)
    {
        using var dir = new TempDirectory();
        var labels = dir.File("broken.json", json);
        var e = Assert.Throws<InvalidDataException>(() => BddReader.ReadFrames(labels).ToList());
        Assert.That(e!.Message, Does.Contain("broken.json").And.Contain(expected));
    }

    [Test]
    public void UnreadableImagesAreSkippedAndNamed()
    {
        using var dir = new TempDirectory();
        dir.File(Path.Combine("images", "text.jpg"), "this is not an image");
        var labels = dir.File("l.json", """[{"name": "text.jpg", "labels": []}]""");
        var read = BddReader.Read(labels, Path.Combine(dir.Path, "images"));
        Assert.That(read.Images, Is.Empty);
        Assert.That(read.Report.SkippedImages[SkipReason.UnreadableImage], Is.EqualTo(1));
        Assert.That(read.Report.Messages[0], Does.Contain("text.jpg").And.Contain("not a PNG or JPEG"));
    }

    [Test]
    public void AMissingLabelFileIsAnErrorNamingIt()
    {
        var e = Assert.Throws<InvalidDataException>(() => BddReader.Read("/nonexistent/labels.json", "/nonexistent"));
        Assert.That(e!.Message, Does.Contain("/nonexistent/labels.json"));
    }
}
