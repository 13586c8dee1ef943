using Repro.Data;
using Repro.Data.Reading;
using Repro.Data.Splitting;

namespace Repro.Tests.Data;

public class SplitTests
{
    private static readonly string[] Ids = Enumerable.Range(0, 103).Select(i => $"img{i:D4}").ToArray();

    [Test]
    public void SameSeedSameSplitWhateverTheInputOrder()
    {
        var a = DatasetSplit.Create(Ids, seed: 7);
        var b = DatasetSplit.Create(Ids.Reverse(), seed: 7);
        Assert.That(b.Train, Is.EqualTo(a.Train));
        Assert.That(b.Val, Is.EqualTo(a.Val));
        Assert.That(b.Test, Is.EqualTo(a.Test));
        var c = DatasetSplit.Create(Ids, seed: 8);
        Assert.That(c.Test, Is.Not.EqualTo(a.Test), "another seed gives another split");
    }

    [Test]
    public void SplitsAreDisjointCoverEverythingAndAre602020()
    {
        var s = DatasetSplit.Create(Ids, seed: 1);
        Assert.That(s.Train.Count, Is.EqualTo(62)); // round(103 · 0.6)
        Assert.That(s.Val.Count, Is.EqualTo(21));
        Assert.That(s.Test.Count, Is.EqualTo(20));
        Assert.That(s.Train.Intersect(s.Val), Is.Empty);
        Assert.That(s.Train.Intersect(s.Test), Is.Empty);
        Assert.That(s.Val.Intersect(s.Test), Is.Empty);
        Assert.That(s.Train.Concat(s.Val).Concat(s.Test), Is.EquivalentTo(Ids));
    }

    [Test]
    public void DuplicateIdsAreRefused() =>
        Assert.That(() => DatasetSplit.Create(["a", "b", "a"], 0), Throws.ArgumentException.With.Message.Contains("'a'"));

    [Test]
    public void WrittenListsReadBackAndOverlapIsAnError()
    {
        using var dir = new TempDirectory();
        var s = DatasetSplit.Create(Ids, seed: 3);
        s.Write(dir.Path);
        Assert.That(File.ReadAllLines(Path.Combine(dir.Path, "test.txt")), Is.EqualTo(s.Test));
        var back = DatasetSplit.Read(dir.Path);
        Assert.That(back.Train, Is.EqualTo(s.Train));
        File.AppendAllText(Path.Combine(dir.Path, "val.txt"), s.Train[0] + "\n");
        var e = Assert.Throws<InvalidDataException>(() => DatasetSplit.Read(dir.Path));
        Assert.That(e!.Message, Does.Contain(s.Train[0]).And.Contain("val.txt"));
    }

    [Test]
    public void ReportCountsImagesAndBoxesPerClassPerSplit()
    {
        var images = Ids.Select((id, i) => new LabeledImage(id, id + ".jpg", 10, 10,
            Enumerable.Range(0, i % 3).Select(k => new BoundingBox((CommonClass)((k + i) % 5), 0, 0, 5, 5)).ToList())).ToList();
        var read = new DatasetRead("toy", images, new ReadReport());
        var split = DatasetSplit.Create(Ids, 0);
        var report = DataReport.Create(read, split);
        Assert.That(report.Splits["train"].Images, Is.EqualTo(split.Train.Count));
        var byId = images.ToDictionary(i => i.Id);
        foreach (var (name, ids) in new[] { ("train", split.Train), ("val", split.Val), ("test", split.Test) })
            foreach (var cls in CommonClasses.All)
                Assert.That(report.Splits[name].BoxesPerClass[cls.Name()],
                    Is.EqualTo(ids.SelectMany(id => byId[id].Boxes).Count(b => b.Class == cls)), $"{name} {cls}");
        using var dir = new TempDirectory();
        report.Write(Path.Combine(dir.Path, "report.json"));
        Assert.That(File.ReadAllText(Path.Combine(dir.Path, "report.json")), Does.Contain("\"dropped_boxes\"").And.Contain("\"small_area\""));
    }
}
