using Repro.Data;
using Repro.Data.Reading;
using Repro.Data.Splitting;
using Repro.Experiments;
using Repro.Experiments.Stages;

namespace Repro.Tests.Experiments;

/// <summary>The data stage's index holds no absolute path: moved to another artifacts root, it names the images there.</summary>
public class DatasetIndexTests
{
    private string root = "";

    [SetUp]
    public void Create() => root = Directory.CreateTempSubdirectory("repro-index-").FullName;

    [TearDown]
    public void Delete() => Directory.Delete(root, recursive: true);

    private StudyContext Context(string artifacts) => new(Profile.Named(RepoPaths.Root, "ci"), RepoPaths.Root, new SilentProgress(), artifacts);

    private static DatasetIndex Index(string imagePath)
    {
        var ids = Enumerable.Range(0, 10).Select(i => $"img{i}").ToList();
        var images = ids.Select(id => new LabeledImage(id, imagePath.Replace("ID", id), 192, 108, [new BoundingBox(CommonClass.Car, 1, 2, 30, 40)])).ToList();
        return new DatasetIndex("real", images, DatasetSplit.Create(ids, 0));
    }

    [Test]
    public void AnIndexMovedToAnotherRootNamesItsImagesThere()
    {
        var here = Context(Path.Combine(root, "here"));
        var dataDir = here.StageDir("data");
        Index(Path.Combine(dataDir, "real", "images", "ID.jpg")).Write(dataDir, DatasetRoots.Of(here));
        Assert.That(File.ReadAllText(DatasetIndex.PathIn(dataDir, "real")), Does.Not.Contain(root).And.Contain("<data>/real/images/img0.jpg"));

        var there = Context(Path.Combine(root, "there"));
        CopyFolder(dataDir, there.StageDir("data"));
        var moved = DatasetIndex.Read(there, "real");
        Assert.That(moved.Images[0].ImagePath, Is.EqualTo(Path.Combine(there.StageDir("data"), "real", "images", "img0.jpg")));
        Assert.That(moved.Images[0].Boxes, Is.EqualTo(Index("x").Images[0].Boxes));
    }

    [Test]
    public void AnImageOutsideEveryRootIsAnErrorNamingIt()
    {
        var context = Context(Path.Combine(root, "here"));
        var e = Assert.Throws<InvalidDataException>(() => Index("/elsewhere/ID.jpg").Write(context.StageDir("data"), DatasetRoots.Of(context)))!;
        Assert.That(e.Message, Does.Contain("/elsewhere/img0.jpg").And.Contain("outside every dataset root"));
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
