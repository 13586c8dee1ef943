using Repro.Experiments;
using Repro.Experiments.Slurm;

namespace Repro.Tests.Experiments.Slurm;

/// <summary>
/// A profile's "slurm" section: resources per kind of task that `submit --slurm` applies before the command line's,
/// and that no task reads, so adding or changing them reruns nothing; bad entries are errors naming the file and the entry.
/// </summary>
public class SlurmResourcesFromProfileTests
{
    private string dir = "";

    [SetUp]
    public void CreateFolder() => dir = Directory.CreateTempSubdirectory("repro-slurm-profile-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(dir, recursive: true);

    /// <summary>ci.json with a "slurm" section added before its closing brace.</summary>
    private string CiWith(string section)
    {
        var ci = File.ReadAllText(RepoPaths.Of("experiments", "profiles", "ci.json")).TrimEnd();
        var path = Path.Combine(dir, "ci.json");
        File.WriteAllText(path, ci[..^1].TrimEnd() + ",\n  \"slurm\": " + section + "\n}\n");
        return path;
    }

    [Test]
    public void TheProfilesResourcesComeBeforeTheCommandLinesAndChangeNoFingerprint()
    {
        var path = CiWith("""{ "train": "cpus=2,mem=8G,time=2-00:00:00", "all": "partition=batch" }""");
        var withSection = StudyPlanTests.Plan(Profile.Load(path));
        var without = StudyPlanTests.Plan(Profile.Named(RepoPaths.Root, "ci"));
        foreach (var task in without.Tasks)
            Assert.That(withSection.Key(withSection.Task(task.Id)).SettingsJson, Is.EqualTo(without.Key(task).SettingsJson), task.Id);

        var specs = SlurmResourceSpec.FromProfile(path);
        var training = withSection.Task("train/U-Real-seed0");
        Assert.That(SlurmResources.For(training, withSection.Profile, specs), Is.EqualTo(new SlurmResources("batch", null, 2, "8G", "2-00:00:00")));
        Assert.That(SlurmResources.For(withSection.Task("data"), withSection.Profile, specs).Partition, Is.EqualTo("batch"));
        var replaced = SlurmResources.For(training, withSection.Profile, [.. specs, SlurmResourceSpec.Parse("train:cpus=4")]);
        Assert.That((replaced.Cpus, replaced.Memory), Is.EqualTo((4, "8G")), "the command line replaces what it names, the rest stays the profile's");
    }

    [Test]
    public void AProfileWithoutASectionGivesNone() =>
        Assert.That(SlurmResourceSpec.FromProfile(RepoPaths.Of("experiments", "profiles", "ci.json")), Is.Empty);

    [TestCase("""{ "trains": "cpus=2" }""", "slurm.trains: unknown kind 'trains'")]
    [TestCase("""{ "train": 2 }""", "slurm.train: a string")]
    [TestCase("""{ "train": "cpu=2" }""", "slurm.train: unknown resource 'cpu'")]
    [TestCase("""["train"]""", "slurm: an object")]
    public void ABadSectionIsAnErrorNamingTheFileAndTheEntry(string section, string message)
    {
        var path = CiWith(section);
        var e = Assert.Catch(() =>
        {
            var plan = StudyPlanTests.Plan(Profile.Load(path));
            SlurmResources.For(plan.Task("train/U-Real-seed0"), plan.Profile, SlurmResourceSpec.FromProfile(path));
        });
        Assert.That(e, Is.InstanceOf<ArgumentException>().Or.InstanceOf<InvalidDataException>());
        Assert.That(e!.Message, Does.Contain(path).And.Contain(message));
    }
}
