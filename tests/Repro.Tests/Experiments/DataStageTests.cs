using Repro.Experiments;
using Repro.Experiments.Stages;
using Repro.Tests.Data;

namespace Repro.Tests.Experiments;

public class DataStageTests
{
    private static readonly Profile Ci = Profile.Named(RepoPaths.Root, "ci");

    [TestCase(new[] { 0.5 })]
    [TestCase(new[] { 0.8, 0.2 })]
    [TestCase(new[] { 0.0, 1.5 })]
    public void APretrainingRealismThatIsNotARangeIsAnErrorNamingTheSettingBeforeAnythingIsGenerated(double[] realism)
    {
        using var root = new TempDirectory();
        var profile = Ci with { Data = Ci.Data with { PretrainSet = Ci.Data.PretrainSet! with { Realism = realism } } };
        var context = new StudyContext(profile, RepoPaths.Root, new SilentProgress(), root.Path);
        var e = Assert.Throws<InvalidDataException>(() => new DataStage().Run(context))!;
        Assert.That(e.Message, Does.StartWith("data.pretrainSet.realism: [").And.Contain("is not a range [low, high]"));
        Assert.That(Directory.EnumerateFiles(root.Path, "*", SearchOption.AllDirectories), Is.Empty, "minutes of generation are not spent on a profile that will fail");
    }
}
