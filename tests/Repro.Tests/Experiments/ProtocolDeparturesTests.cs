using Repro.Experiments;

namespace Repro.Tests.Experiments;

public class ProtocolDeparturesTests
{
    [Test]
    public void EverySettingASmallProfileTurnsIsListedAgainstThePaper()
    {
        var paper = Profile.Named(RepoPaths.Root, "paper");
        var ci = Profile.Named(RepoPaths.Root, "ci");
        var departures = ProtocolDepartures.Between(paper, ci).ToDictionary(d => d.Setting);
        Assert.That(departures["model.width"], Is.EqualTo(new ProtocolDeparture("model.width", "1", "0.125")));
        Assert.That(departures["data.source"].Paper, Is.EqualTo("\"downloads\""));
        Assert.That(departures.Keys, Does.Contain("training.lr").And.Contain("model.inputSize").And.Contain("data.real.count"));
        Assert.That(departures.Keys, Does.Not.Contain("name").And.Not.Contain("evaluation.iou"), "the name is not a departure; equal settings are not listed");
        Assert.That(ProtocolDepartures.Between(paper, paper), Is.Empty);
        var frozen = paper with { Training = paper.Training with { FrozenBackbone = new FrozenBackboneSettings { MaxEpochs = 36 } } };
        Assert.That(ProtocolDepartures.Between(paper, frozen), Is.EqualTo(new[]
        {
            new ProtocolDeparture("training.frozenBackbone.maxEpochs", "—", "36"),
        }), "a setting the paper does not have is a departure too; one left unset is none");
    }

    [Test]
    public void AChangedSettingShowsUpWithBothValues()
    {
        var paper = Profile.Named(RepoPaths.Root, "paper");
        var changed = paper with { Training = paper.Training with { Schedule = "cosine", Augment = true } };
        Assert.That(ProtocolDepartures.Between(paper, changed), Is.EqualTo(new[]
        {
            new ProtocolDeparture("training.augment", "false", "true"),
            new ProtocolDeparture("training.schedule", "\"constant\"", "\"cosine\""),
        }));
    }
}
