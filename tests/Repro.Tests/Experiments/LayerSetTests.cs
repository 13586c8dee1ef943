using Repro.Experiments.Claims;

namespace Repro.Tests.Experiments;

public class LayerSetTests
{
    [Test]
    public void PartNamesAreYoloV3sParts()
    {
        Assert.That(LayerSet.Parse("all"), Is.EqualTo(Enumerable.Range(0, 107)));
        Assert.That(LayerSet.Parse(" backbone "), Is.EqualTo(Enumerable.Range(0, 75)));
        Assert.That(LayerSet.Parse("head"), Is.EqualTo(Enumerable.Range(75, 32)));
    }

    [Test]
    public void RangesAndSingleLayersJoinSortedWithoutRepeats()
    {
        Assert.That(LayerSet.Parse("93, 81-83,82,0-2"), Is.EqualTo(new[] { 0, 1, 2, 81, 82, 83, 93 }));
        Assert.That(LayerSet.Parse("106"), Is.EqualTo(new[] { 106 }));
    }

    [Test]
    public void LayersOutsideTheNetworkOrMalformedRangesAreRefused()
    {
        Assert.That(() => LayerSet.Parse("100-107"), Throws.InstanceOf<FormatException>().With.Message.Contains("'100-107'").And.Message.Contains("0–106"));
        Assert.That(() => LayerSet.Parse("12-3"), Throws.InstanceOf<FormatException>().With.Message.Contains("12-3"));
        Assert.That(() => LayerSet.Parse("neck"), Throws.InstanceOf<FormatException>().With.Message.Contains("neck"));
    }
}
