using Repro.Data;
using Repro.Data.Reading;
using Repro.Data.Viper;

namespace Repro.Tests.Data;

public class ViperReaderTests
{
    // 200 x 100 frames: the hood filter looks for a box touching the bottom, at least 100 wide, top at 60 or below.
    private static TempDirectory Fixture(string csv, string frame = "001/001_00000")
    {
        var dir = new TempDirectory();
        DataFixtures.WriteImage(Path.Combine(dir.Path, "img", frame + ".png"), 200, 100);
        dir.File(Path.Combine("bb", frame + ".csv"), csv);
        return dir;
    }

    [Test]
    public void MapsClassIdsAndAppliesHoodAndAreaFilters()
    {
        using var dir = Fixture("""
            5,24,10,20,60,50
            6,25,70,20,110,50
            7,28,120,10,190,60
            8,20,30,40,34,48
            9,22,0,40,11,49
            10,23,40,60,52,75
            11,26,100,30,140,70
            12,27,150,30,180,55
            1,24,0,80,200,100
            13,24,5,5,10,10
            14,9,0,0,200,40
            15,99,1,1,20,20
            16,24,190,80,215,95
            """);
        var read = ViperReader.Read(dir.Path);
        Assert.That(read.Images, Has.Count.EqualTo(1));
        var frame = read.Images[0];
        Assert.That(frame.Id, Is.EqualTo("001/001_00000"));
        Assert.That(frame.Boxes, Is.EqualTo(new[]
        {
            new BoundingBox(CommonClass.Car, 10, 20, 60, 50),
            new BoundingBox(CommonClass.Car, 70, 20, 110, 50),     // van → car
            new BoundingBox(CommonClass.Truck, 120, 10, 190, 60),  // trailer → truck
            new BoundingBox(CommonClass.Cycle, 40, 60, 52, 75),    // motorcycle → cycle
            new BoundingBox(CommonClass.Bus, 100, 30, 140, 70),
            new BoundingBox(CommonClass.Truck, 150, 30, 180, 55),
            new BoundingBox(CommonClass.Car, 190, 80, 200, 95),    // clipped to the image, 150 px²
        }));
        var r = read.Report;
        Assert.That(r.DroppedBoxes[DropReason.Hood], Is.EqualTo(1));
        Assert.That(r.DroppedBoxes[DropReason.SmallArea], Is.EqualTo(3)); // 4x8 = 32, 11x9 = 99, 5x5 = 25
        Assert.That(r.DroppedBoxes[DropReason.IgnoredCategory], Is.EqualTo(1));
        Assert.That(r.DroppedBoxes[DropReason.UnknownCategory], Is.EqualTo(1));
        Assert.That(r.UnknownCategories["99"], Is.EqualTo(1));
        Assert.That(r.ClippedBoxes, Is.EqualTo(1));
    }

    [Test]
    public void FiltersCanBeSwitchedOffAndScaled()
    {
        using var dir = Fixture("""
            1,24,0,80,200,100
            2,20,30,40,34,48
            3,20,30,40,40,50
            """);
        var none = ViperReader.Read(dir.Path, filter: BoxFilter.None);
        Assert.That(none.Images[0].Boxes, Has.Count.EqualTo(3));
        var noHood = ViperReader.Read(dir.Path, filter: BoxFilter.Gtav with { DropHood = false });
        // exactly 100 px² stays: the paper drops boxes *under* 100.
        Assert.That(noHood.Images[0].Boxes.Select(b => b.Area), Is.EqualTo(new[] { 4000f, 100f }));
        // 100 px² meant at 1920 wide is 100 · (200/1920)² ≈ 1.1 px² here: both small persons survive.
        var scaled = ViperReader.Read(dir.Path, filter: BoxFilter.Gtav with { AreaReferenceWidth = 1920 });
        Assert.That(scaled.Images[0].Boxes.Select(b => b.Area), Is.EqualTo(new[] { 32f, 100f }));
        Assert.That(scaled.Report.DroppedBoxes[DropReason.Hood], Is.EqualTo(1));
    }

    [Test]
    public void HoodRuleNeedsAllThreeConditions()
    {
        var f = BoxFilter.Gtav;
        Assert.That(f.IsHood(0, 80, 200, 100, 200, 100), Is.True);
        Assert.That(f.IsHood(0, 80, 200, 90, 200, 100), Is.False, "does not reach the bottom");
        Assert.That(f.IsHood(50, 80, 140, 100, 200, 100), Is.False, "narrower than half the width");
        Assert.That(f.IsHood(0, 40, 200, 100, 200, 100), Is.False, "reaches too high: a close vehicle, not the hood");
    }

    [Test]
    public void ReadsCsvBesideImagesAndSkipsFramesWithoutImage()
    {
        using var dir = new TempDirectory();
        DataFixtures.WriteImage(Path.Combine(dir.Path, "seqA", "f1.png"), 50, 40);
        dir.File(Path.Combine("seqA", "f1.csv"), "3,24,10,10,40,30\n");
        dir.File(Path.Combine("seqA", "f2.csv"), "3,24,10,10,40,30\n");
        var read = ViperReader.Read(dir.Path);
        Assert.That(read.Images.Select(i => i.Id), Is.EqualTo(new[] { "seqA/f1" }));
        Assert.That(read.Report.SkippedImages[SkipReason.MissingImage], Is.EqualTo(1));
        Assert.That(read.Report.Messages[0], Does.Contain("f2.csv").And.Contain("seqA/f2"));
    }

    [TestCase("1,24,10,20,30\n", "line 1", "expected 6")]
    [TestCase("1,24,10,20,30,40\n\n2,car,1,2,3,4\n", "line 3", "integers")]
    [TestCase("1,24,10,20,30,40\n2,24,1,2,x,4\n", "line 2", "coordinate 3")]
    [TestCase("instance,class,left,top,right,bottom\n", "line 1", "integers")]
    public void MalformedCsvIsAnErrorNamingFileAndLine(string csv, string line, string what)
    {
        using var dir = Fixture(csv);
        var e = Assert.Throws<InvalidDataException>(() => ViperReader.Read(dir.Path));
        Assert.That(e!.Message, Does.Contain("001_00000.csv").And.Contain(line).And.Contain(what));
    }
}
