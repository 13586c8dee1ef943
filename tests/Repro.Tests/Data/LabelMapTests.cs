using Repro.Data;
using Repro.Data.Labels;

namespace Repro.Tests.Data;

public class LabelMapTests
{
    private static CommonClass? Map(string vocabulary, string category) =>
        LabelMap.Default.Vocabulary(vocabulary).Lookup(category, out var c) == LabelLookup.Mapped ? c : null;

    [TestCase("car", CommonClass.Car)]
    [TestCase("person", CommonClass.Person)]
    [TestCase("rider", CommonClass.Person)]
    [TestCase("bike", CommonClass.Cycle)]
    [TestCase("motor", CommonClass.Cycle)]
    [TestCase("truck", CommonClass.Truck)]
    [TestCase("bus", CommonClass.Bus)]
    public void Bdd2018Vocabulary(string category, CommonClass expected) => Assert.That(Map(LabelMap.Bdd100k, category), Is.EqualTo(expected));

    [TestCase("pedestrian", CommonClass.Person)]
    [TestCase("rider", CommonClass.Person)]
    [TestCase("car", CommonClass.Car)]
    [TestCase("truck", CommonClass.Truck)]
    [TestCase("bus", CommonClass.Bus)]
    [TestCase("motorcycle", CommonClass.Cycle)]
    [TestCase("bicycle", CommonClass.Cycle)]
    public void Bdd2020Vocabulary(string category, CommonClass expected) => Assert.That(Map(LabelMap.Bdd100k, category), Is.EqualTo(expected));

    [TestCase(20, CommonClass.Person)]
    [TestCase(22, CommonClass.Cycle)]
    [TestCase(23, CommonClass.Cycle)]
    [TestCase(24, CommonClass.Car)]
    [TestCase(25, CommonClass.Car)]
    [TestCase(26, CommonClass.Bus)]
    [TestCase(27, CommonClass.Truck)]
    [TestCase(28, CommonClass.Truck)]
    public void ViperClassIds(int id, CommonClass expected) => Assert.That(Map(LabelMap.Viper, id.ToString()), Is.EqualTo(expected));

    [Test]
    public void TheRestOfEachVocabularyIsIgnoredNotUnknown()
    {
        var bdd = LabelMap.Default.Vocabulary(LabelMap.Bdd100k);
        foreach (var c in new[] { "traffic light", "traffic sign", "train", "drivable area", "lane", "other vehicle", "other person", "trailer" })
            Assert.That(bdd.Lookup(c, out _), Is.EqualTo(LabelLookup.Ignored), c);
        var viper = LabelMap.Default.Vocabulary(LabelMap.Viper);
        foreach (var id in Enumerable.Range(0, 32).Where(i => i is not (>= 22 and <= 28) and not 20))
            Assert.That(viper.Lookup(id.ToString(), out _), Is.EqualTo(LabelLookup.Ignored), id.ToString());
        Assert.That(bdd.Lookup("spaceship", out _), Is.EqualTo(LabelLookup.Unknown));
        Assert.That(bdd.Lookup("Car", out _), Is.EqualTo(LabelLookup.Unknown), "categories are case-sensitive, as BDD100K writes them");
        Assert.That(viper.Lookup("99", out _), Is.EqualTo(LabelLookup.Unknown));
    }

    [Test]
    public void EmbeddedDefaultIsTheExperimentsFile()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Repro.sln"))) dir = dir.Parent;
        Assert.That(dir, Is.Not.Null, "repository root not found above the test folder");
        var fromFile = LabelMap.Load(Path.Combine(dir!.FullName, "experiments", "label-map.json"));
        foreach (var name in new[] { LabelMap.Bdd100k, LabelMap.Viper })
        {
            Assert.That(fromFile.Vocabulary(name).Mapping, Is.EquivalentTo(LabelMap.Default.Vocabulary(name).Mapping));
            Assert.That(fromFile.Vocabulary(name).IgnoredCategories, Is.EquivalentTo(LabelMap.Default.Vocabulary(name).IgnoredCategories));
        }
    }

    [Test]
    public void AUserMapCanChangeTheRiderChoice()
    {
        var map = LabelMap.Parse("""{ "vocabularies": { "bdd100k": { "map": { "rider": "cycle" }, "ignore": [] } } }""", "mine.json");
        Assert.That(map.Vocabulary("bdd100k").Lookup("rider", out var c), Is.EqualTo(LabelLookup.Mapped));
        Assert.That(c, Is.EqualTo(CommonClass.Cycle));
    }

    [Test]
    public void MalformedMapsAreErrorsNamingFileAndEntry()
    {
        var e1 = Assert.Throws<InvalidDataException>(() => LabelMap.Parse("{ not json", "bad.json"));
        Assert.That(e1!.Message, Does.Contain("bad.json"));
        var e2 = Assert.Throws<InvalidDataException>(() => LabelMap.Parse("""{ "vocabularies": { "v": { "map": { "van": "lorry" } } } }""", "m.json"));
        Assert.That(e2!.Message, Does.Contain("m.json").And.Contain("'van'").And.Contain("lorry"));
        var e3 = Assert.Throws<InvalidDataException>(() => LabelMap.Parse("""{ "vocabularies": { "v": { "map": { "car": "car" }, "ignore": ["car"] } } }""", "m.json"));
        Assert.That(e3!.Message, Does.Contain("both mapped and ignored"));
        var e4 = Assert.Throws<InvalidDataException>(() => LabelMap.Default.Vocabulary("kitti"));
        Assert.That(e4!.Message, Does.Contain("kitti"));
    }
}
