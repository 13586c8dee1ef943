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
            24,5,10,20,60,50
            25,6,70,20,110,50
            28,7,120,10,190,60
            20,8,30,40,34,48
            22,9,0,40,11,49
            23,10,40,60,52,75
            26,11,100,30,140,70
            27,12,150,30,180,55
            24,1,0,80,200,100
            24,13,5,5,10,10
            9,14,0,0,200,40
            99,15,1,1,20,20
            24,16,190,80,215,95
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
            24,1,0,80,200,100
            20,2,30,40,34,48
            20,3,30,40,40,50
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
        dir.File(Path.Combine("seqA", "f1.csv"), "24,3,10,10,40,30\n");
        dir.File(Path.Combine("seqA", "f2.csv"), "24,3,10,10,40,30\n");
        var read = ViperReader.Read(dir.Path);
        Assert.That(read.Images.Select(i => i.Id), Is.EqualTo(new[] { "seqA/f1" }));
        Assert.That(read.Report.SkippedImages[SkipReason.MissingImage], Is.EqualTo(1));
        Assert.That(read.Report.Messages[0], Does.Contain("f2.csv").And.Contain("seqA/f2"));
    }

    [TestCase("24,1,10,20,30\n", "line 1", "expected 28")]
    [TestCase("24,1,10,20,30,40,0,0,0\n", "line 1", "expected 28")]
    [TestCase("24,1,10,20,30,40\n\n24,car,1,2,3,4\n", "line 3", "integers")]
    [TestCase("24,1,10,20,30,40\n24,2,1,2,x,4\n", "line 2", "coordinate 3")]
    [TestCase("class,instance,left,top,right,bottom\n", "line 1", "integers")]
    public void MalformedCsvIsAnErrorNamingFileAndLine(string csv, string line, string what)
    {
        using var dir = Fixture(csv);
        var e = Assert.Throws<InvalidDataException>(() => ViperReader.Read(dir.Path));
        Assert.That(e!.Message, Does.Contain("001_00000.csv").And.Contain(line).And.Contain(what));
    }

    [Test]
    public void ReadsVipersFullRowsOfTwentyEightColumns()
    {
        // class, instance, 2D box, 3D box in model coordinates (6), its 4×4 transform to the camera (16), as VIPER ships them.
        var row = "24,1037,10,20,60,50," + string.Join(",", Enumerable.Repeat("0.5", 6)) + "," + string.Join(",", Enumerable.Range(0, 16)) + "\n";
        using var dir = Fixture(row);
        var read = ViperReader.Read(dir.Path);
        Assert.That(read.Images[0].Boxes, Is.EqualTo(new[] { new BoundingBox(CommonClass.Car, 10, 20, 60, 50) }));
    }

    [Test]
    public void ColumnsInTheOtherOrderAreAnErrorThatSaysSo()
    {
        // The instance id first: mostly ids that no VIPER class has. Read as classes, they would pass as unknown categories.
        using var dir = Fixture("1037,24,10,20,60,50\n1038,24,70,20,110,50\n5,20,30,40,40,50\n");
        var e = Assert.Throws<InvalidDataException>(() => ViperReader.Read(dir.Path))!;
        Assert.That(e.Message, Does.Contain("2 of 3").And.Contain("class id, instance id"));
    }
}
