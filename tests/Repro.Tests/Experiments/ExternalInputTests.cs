using Repro.Experiments;

namespace Repro.Tests.Experiments;

/// <summary>External inputs (label files, box files, darknet53.conv.74) are fingerprinted by content, not by path.</summary>
public class ExternalInputTests
{
    private string dir = "";

    [SetUp]
    public void Create() => dir = Directory.CreateTempSubdirectory("repro-inputs-").FullName;

    [TearDown]
    public void Delete() => Directory.Delete(dir, recursive: true);

    private InputHashCache Cache() => new(Path.Combine(dir, "cache.json"));

    [Test]
    public void TheSameContentAtAnotherPathHashesTheSame()
    {
        File.WriteAllText(Path.Combine(dir, "a.json"), "labels");
        File.WriteAllText(Path.Combine(dir, "b.json"), "labels");
        File.WriteAllText(Path.Combine(dir, "c.json"), "labelz");
        var cache = Cache();
        var a = new ExternalInput("data.bdd.labels", Path.Combine(dir, "a.json")).Hash(cache);
        Assert.That(new ExternalInput("data.bdd.labels", Path.Combine(dir, "b.json")).Hash(cache), Is.EqualTo(a));
        Assert.That(new ExternalInput("data.bdd.labels", Path.Combine(dir, "c.json")).Hash(cache), Is.Not.EqualTo(a));
    }

    [Test]
    public void AnEditedFileIsHashedAgainAndTheCacheSurvivesTheProcess()
    {
        var file = Path.Combine(dir, "darknet53.conv.74");
        File.WriteAllText(file, "weights");
        var input = new ExternalInput("model.backboneWeights", file);
        var cache = Cache();
        var before = input.Hash(cache);
        cache.Save();
        Assert.That(input.Hash(Cache()), Is.EqualTo(before));

        File.WriteAllText(file, "other weights");
        File.SetLastWriteTimeUtc(file, File.GetLastWriteTimeUtc(file).AddSeconds(5));
        Assert.That(input.Hash(Cache()), Is.Not.EqualTo(before));
    }

    [Test]
    public void AFolderInputIsItsMatchingFilesByRelativeNameAndContent()
    {
        string Folder(string name, string boxes)
        {
            var root = Path.Combine(dir, name);
            Directory.CreateDirectory(Path.Combine(root, "bb", "001"));
            File.WriteAllText(Path.Combine(root, "bb", "001", "001_00000.csv"), boxes);
            File.WriteAllText(Path.Combine(root, "bb", "001", "notes.txt"), name); // not a box file: not hashed
            return root;
        }
        var cache = Cache();
        var here = new ExternalInput("data.gtav", Folder("here", "1,2,3"), "*.csv").Hash(cache);
        Assert.That(new ExternalInput("data.gtav", Folder("there", "1,2,3"), "*.csv").Hash(cache), Is.EqualTo(here));
        Assert.That(new ExternalInput("data.gtav", Folder("edited", "1,2,4"), "*.csv").Hash(cache), Is.Not.EqualTo(here));
    }

    [Test]
    public void AMissingInputIsAnErrorNamingTheSettingAndThePath()
    {
        var missing = Path.Combine(dir, "nowhere.json");
        var e = Assert.Throws<FileNotFoundException>(() => new ExternalInput("data.bdd.labels", missing).Hash(Cache()))!;
        Assert.That(e.Message, Does.Contain("data.bdd.labels").And.Contain(missing));
    }

    [Test]
    public void AnEditedLabelMapTouchesOnlyTheData()
    {
        var map = Path.Combine(dir, "label-map.json");
        File.WriteAllText(map, File.ReadAllText(RepoPaths.Of("experiments", "label-map.json")));
        var ci = Profile.Named(RepoPaths.Root, "ci");
        // The report prints the profile, paths included; the data stage reads only the content.
        Assert.That(StudyPlanTests.Touched(ci, ci with { Data = ci.Data with { LabelMap = map } }), Is.EqualTo(new[] { "report" }), "same content at another path");
        File.AppendAllText(map, " ");
        File.SetLastWriteTimeUtc(map, File.GetLastWriteTimeUtc(map).AddSeconds(5));
        Assert.That(StudyPlanTests.Touched(ci, ci with { Data = ci.Data with { LabelMap = map } }), Is.EqualTo(new[] { "data", "report" }));
    }
}
