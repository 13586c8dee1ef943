using Repro.Data;
using Repro.Evaluation;

namespace Repro.Tests.Evaluation;

public class CsvTests
{
    private string dir = "";

    [SetUp]
    public void CreateDirectory() => dir = Directory.CreateTempSubdirectory("repro-eval-csv-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(dir, recursive: true);

    [Test]
    public void RescoringFromFilesGivesTheSameResultAsInMemory()
    {
        var random = new Random(3);
        var truth = new GroundTruth();
        var detections = new List<Detection>();
        for (var image = 0; image < 6; image++)
        {
            var id = $"img,{image}"; // a comma: the id must be quoted and come back intact
            var boxes = new List<BoundingBox>();
            var count = random.Next(0, 4);
            for (var k = 0; k < count; k++)
            {
                var (x, y) = (random.NextSingle() * 300, random.NextSingle() * 300);
                boxes.Add(new BoundingBox((CommonClass)random.Next(5), x, y, x + 5 + random.NextSingle() * 90, y + 5 + random.NextSingle() * 90));
            }
            truth.Add(id, boxes);
            foreach (var b in boxes)
            {
                var shift = random.NextSingle() * 10 - 5;
                detections.Add(new Detection(id, b with { X1 = b.X1 + shift, X2 = b.X2 + shift }, random.NextSingle()));
            }
            detections.Add(new Detection(id, new BoundingBox(CommonClass.Bus, -3.25f, 0, 1e-3f, 7), 1f / 3));
        }
        var gtPath = Path.Combine(dir, "gt.csv");
        var detPath = Path.Combine(dir, "det.csv");
        GroundTruthCsv.Write(gtPath, truth);
        DetectionCsv.Write(detPath, detections);

        var readTruth = GroundTruthCsv.Read(gtPath);
        var readDetections = DetectionCsv.Read(detPath);
        Assert.That(readTruth.ImageIds, Is.EqualTo(truth.ImageIds));
        Assert.That(readDetections, Is.EqualTo(detections));
        foreach (var id in truth.ImageIds) Assert.That(readTruth.BoxesOf(id), Is.EqualTo(truth.BoxesOf(id)));

        var expected = DetectionEvaluator.Evaluate(detections, truth);
        var actual = DetectionEvaluator.Evaluate(readDetections, readTruth);
        Assert.That(actual.MeanAveragePrecision, Is.EqualTo(expected.MeanAveragePrecision));
        Assert.That(actual.Classes, Is.EqualTo(expected.Classes));
    }

    [Test]
    public void ResultCsvHasOneRowPerClassAndTheMean()
    {
        var truth = new GroundTruth();
        truth.Add("a", new BoundingBox(CommonClass.Car, 0, 0, 10, 10));
        var result = DetectionEvaluator.Evaluate([new Detection("a", new BoundingBox(CommonClass.Car, 0, 0, 10, 10), 0.5f)], truth);
        var path = Path.Combine(dir, "result.csv");
        EvaluationResultCsv.Write(path, result);
        var lines = File.ReadAllLines(path);
        Assert.That(lines, Is.EqualTo(new[]
        {
            "class,ground_truth,detections,true_positives,ap,precision,recall,iou_threshold,interpolation",
            "car,1,1,1,1,1,1,0.5,all",
            "person,0,0,0,,,,0.5,all",
            "cycle,0,0,0,,,,0.5,all",
            "truck,0,0,0,,,,0.5,all",
            "bus,0,0,0,,,,0.5,all",
            "mean,1,1,1,1,,,0.5,all",
        }));
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public void BadDetectionFilesNameTheFileLineAndColumn()
    {
        var notANumber = Write("d1.csv", "image_id,class,score,x1,y1,x2,y2\na,car,0.5,0,0,10,10\na,car,high,0,0,10,10\n");
        var e = Assert.Throws<InvalidDataException>(() => DetectionCsv.Read(notANumber))!;
        Assert.That(e.Message, Does.Contain(notANumber).And.Contain("line 3").And.Contain("'score'").And.Contain("'high'"));

        var unknownClass = Write("d2.csv", "image_id,class,score,x1,y1,x2,y2\na,van,0.5,0,0,10,10\n");
        e = Assert.Throws<InvalidDataException>(() => DetectionCsv.Read(unknownClass))!;
        Assert.That(e.Message, Does.Contain("line 2").And.Contain("unknown class 'van'"));

        var missingColumn = Write("d3.csv", "image_id,class,x1,y1,x2,y2\na,car,0,0,10,10\n");
        e = Assert.Throws<InvalidDataException>(() => DetectionCsv.Read(missingColumn))!;
        Assert.That(e.Message, Does.Contain(missingColumn).And.Contain("score"));

        var inverted = Write("d4.csv", "image_id,class,score,x1,y1,x2,y2\na,car,0.5,10,0,0,10\n");
        e = Assert.Throws<InvalidDataException>(() => DetectionCsv.Read(inverted))!;
        Assert.That(e.Message, Does.Contain("line 2").And.Contain("x2"));

        var shortRow = Write("d5.csv", "image_id,class,score,x1,y1,x2,y2\na,car,0.5,0,0\n");
        e = Assert.Throws<InvalidDataException>(() => DetectionCsv.Read(shortRow))!;
        Assert.That(e.Message, Does.Contain(shortRow));

        var twice = Write("d6.csv", "image_id,class,score,x1,y1,x2,y2,score\na,car,0.5,0,0,10,10,0.9\n");
        e = Assert.Throws<InvalidDataException>(() => DetectionCsv.Read(twice))!;
        Assert.That(e.Message, Does.Contain(twice).And.Contain("'score' appears twice"));

        var empty = Write("d7.csv", "");
        e = Assert.Throws<InvalidDataException>(() => DetectionCsv.Read(empty))!;
        Assert.That(e.Message, Does.Contain(empty).And.Contain("image_id,class,score"));

        var openQuote = Write("d8.csv", "image_id,class,score,x1,y1,x2,y2\na,car,0.5,0,0,10,10\n\"b,car,0.5,0,0,10,10\n");
        e = Assert.Throws<InvalidDataException>(() => DetectionCsv.Read(openQuote))!;
        Assert.That(e.Message, Does.Contain(openQuote).And.Contain("malformed CSV"));

        Assert.Throws<FileNotFoundException>(() => DetectionCsv.Read(Path.Combine(dir, "absent.csv")));
    }

    [Test]
    public void SpacesAroundHandWrittenValuesAreDropped()
    {
        var path = Write("spaced.csv", "image_id, class, score, x1, y1, x2, y2\n a , car , 0.5 , 0, 0, 10, 10\n");
        Assert.That(DetectionCsv.Read(path), Is.EqualTo(new[] { new Detection("a", new BoundingBox(CommonClass.Car, 0, 0, 10, 10), 0.5f) }));
    }

    [Test]
    public void GroundTruthListsImagesWithoutObjectsAndRejectsEmptyBoxes()
    {
        var path = Write("gt.csv", "image_id,class,x1,y1,x2,y2\nempty,,,,,\na,bus,0,0,10,10\n");
        var truth = GroundTruthCsv.Read(path);
        Assert.That(truth.ImageIds, Is.EqualTo(new[] { "empty", "a" }));
        Assert.That(truth.BoxesOf("empty"), Is.Empty);

        var zeroWidth = Write("gt2.csv", "image_id,class,x1,y1,x2,y2\na,bus,5,0,5,10\n");
        var e = Assert.Throws<InvalidDataException>(() => GroundTruthCsv.Read(zeroWidth))!;
        Assert.That(e.Message, Does.Contain(zeroWidth).And.Contain("line 2"));

        var halfEmpty = Write("gt3.csv", "image_id,class,x1,y1,x2,y2\na,,0,0,10,10\n");
        e = Assert.Throws<InvalidDataException>(() => GroundTruthCsv.Read(halfEmpty))!;
        Assert.That(e.Message, Does.Contain("line 2").And.Contain("without class"));
    }
}
