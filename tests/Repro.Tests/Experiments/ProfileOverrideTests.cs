using Repro.Experiments;

namespace Repro.Tests.Experiments;

/// <summary>Settings replaced for one run (repro study run --set, REPRO_PROFILE_SET): parsed, checked, fingerprinted.</summary>
public class ProfileOverrideTests
{
    private static Profile Ci(params string[] overrides) => Profile.Named(RepoPaths.Root, "ci", overrides.Select(ProfileOverride.Parse).ToList());

    [Test]
    public void An_override_replaces_the_setting_and_is_remembered()
    {
        var profile = Ci("training.lr=1e-5", "seeds=[0]", "data.real.count=24", "training.augment=true", "device=cuda");
        Assert.That(profile.Training.LearningRate, Is.EqualTo(1e-5));
        Assert.That(profile.Seeds, Is.EqualTo(new[] { 0 }));
        Assert.That(profile.Data.Real!.Count, Is.EqualTo(24));
        Assert.That(profile.Data.Real.Width, Is.EqualTo(Ci().Data.Real!.Width), "the rest of the group stays");
        Assert.That(profile.Training.Augment, Is.True, "a setting the file leaves at its default can be set");
        Assert.That(profile.Device, Is.EqualTo("cuda"));
        Assert.That(profile.Overrides.Select(o => o.ToString()), Is.EqualTo(new[]
            { "training.lr=1e-5", "seeds=[0]", "data.real.count=24", "training.augment=true", "device=cuda" }));
        Assert.That(Ci().Overrides, Is.Empty);
    }

    [Test]
    public void A_setting_in_a_group_the_file_leaves_out_can_be_set()
    {
        Assert.That(Ci().Training.FrozenBackbone, Is.Null);
        Assert.That(Ci("training.frozenBackbone.maxEpochs=40").Training.FrozenBackbone, Is.EqualTo(new FrozenBackboneSettings { MaxEpochs = 40 }));
    }

    [Test]
    public void The_list_form_of_the_environment_variable_is_split_at_semicolons()
    {
        Assert.That(ProfileOverride.ParseList(" training.lr=1e-5 ; seeds=[0,1];").Select(o => (o.Setting, o.Value)),
            Is.EqualTo(new[] { ("training.lr", "1e-5"), ("seeds", "[0,1]") }));
        Assert.That(ProfileOverride.ParseList(null), Is.Empty);
        Assert.That(ProfileOverride.ParseList(""), Is.Empty);
    }

    [TestCase("training.lr")]
    [TestCase("=1e-5")]
    public void Text_without_a_setting_and_a_value_is_an_error(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => ProfileOverride.Parse(text))!;
        Assert.That(e.Message, Does.Contain("SETTING=VALUE"));
    }

    [TestCase("training.learningRate=1e-5", "unknown setting 'training.learningRate'", "lr, batch, maxEpochs, patience, augment")]
    [TestCase("trainer.lr=1e-5", "unknown setting 'trainer.lr'", "training")]
    [TestCase("training.lr.value=1", "unknown setting 'training.lr.value'", "'training.lr' is a value")]
    [TestCase("training=1", "'training' is a group of settings", "training.lr")]
    [TestCase("name=other", "the name cannot be overridden", "verified snapshots")]
    public void An_unknown_setting_is_an_error_naming_it(string text, string message, string detail)
    {
        var e = Assert.Throws<ArgumentException>(() => Ci(text))!;
        Assert.That(e.Message, Does.Contain(text).And.Contain(message).And.Contain(detail));
    }

    [TestCase("training.lr=fast", "not a finite number")]
    [TestCase("training.lr=NaN", "not a finite number")]
    [TestCase("training.batch=8.5", "not an integer")]
    [TestCase("training.augment=yes", "not true or false")]
    [TestCase("seeds=0", "not a JSON array of Int32")]
    [TestCase("seeds=[0.5]", "not a JSON array of Int32")]
    public void A_value_of_the_wrong_type_is_an_error_naming_the_setting(string text, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => Ci(text))!;
        Assert.That(e.Message, Does.Contain(text).And.Contain(message));
    }

    [Test]
    public void A_value_the_profile_checks_refuse_is_an_error_naming_the_override()
    {
        var e = Assert.Throws<InvalidDataException>(() => Ci("training.lr=-1"))!;
        Assert.That(e.Message, Does.Contain("training.lr=-1").And.Contain("training.lr: must be positive"));
    }

    [Test]
    public void An_override_touches_the_tasks_that_read_it()
    {
        var touched = StudyPlanTests.Touched(Ci(), Ci("training.lr=1e-5"));
        Assert.That(touched, Does.Contain("train/U-Real-seed0").And.Contain("report"));
        Assert.That(touched.Where(t => t != "report"), Has.All.StartsWith("train/"));
    }

    [Test]
    public void A_profile_can_be_loaded_from_a_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"repro-profile-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, File.ReadAllText(RepoPaths.Of("experiments", "profiles", "ci.json")).Replace("\"name\": \"ci\"", "\"name\": \"tiny\""));
            var profile = Profile.Find(RepoPaths.Root, path, [ProfileOverride.Parse("seeds=[0]")]);
            Assert.That((profile.Name, profile.Seeds.Length), Is.EqualTo(("tiny", 1)));
            Assert.That(Profile.Find(RepoPaths.Root, "ci").Name, Is.EqualTo("ci"));
        }
        finally { File.Delete(path); }
    }
}
