using Repro.Models;
using Repro.Models.Darknet;
using Repro.Torch;
using Repro.Torch.Optim;

namespace Repro.Tests.Models;

public class FreezeAndInitTests
{
    [Test]
    public void FiveAdamStepsWithTheBackboneFrozenMoveOnlyTheHead()
    {
        using var scope = torch.NewDisposeScope();
        using var net = ModelTestKit.TinyYolo(seed: 41);
        net.Freeze(LayerRange.Parse("0-74"));
        net.train();
        Assert.That(net.FrozenLayers, Is.EqualTo(Enumerable.Range(0, 75)));
        var before = ModelTestKit.Snapshot(net);
        using var adam = new Adam(net.trainable_parameters(), lr: 1e-2);
        for (var step = 0; step < 5; step++)
        {
            using var stepScope = torch.NewDisposeScope();
            adam.zero_grad();
            var outputs = net.Forward(ModelTestKit.Images(2, 64, 100 + step)).Raw;
            var loss = outputs.Select(o => o.square().mean()).Aggregate((a, b) => a + b);
            loss.backward();
            adam.step();
        }
        foreach (var (name, p) in net.named_parameters().Where(p => ModelTestKit.LayerOf(p.Name) <= 74))
            Assert.That(p.grad, Is.Null, $"{name} took a gradient");
        var after = ModelTestKit.Snapshot(net);
        foreach (var name in before.Keys)
        {
            var same = after[name].SequenceEqual(before[name]);
            if (ModelTestKit.LayerOf(name) <= 74) Assert.That(same, $"frozen {name} changed");
            else Assert.That(same, Is.False, $"head {name} did not change");
        }
    }

    [Test]
    public void SameSeedGivesBitIdenticalWeightsAndAnotherSeedDoesNot()
    {
        using var a = ModelTestKit.TinyYolo(seed: 7);
        using var b = ModelTestKit.TinyYolo(seed: 7);
        using var c = ModelTestKit.TinyYolo(seed: 8);
        var (sa, sb, sc) = (ModelTestKit.Snapshot(a), ModelTestKit.Snapshot(b), ModelTestKit.Snapshot(c));
        foreach (var name in sa.Keys) Assert.That(sb[name], Is.EqualTo(sa[name]), name);
        Assert.That(sc["75.conv.weight"], Is.Not.EqualTo(sa["75.conv.weight"]));
    }

    [Test]
    public void ConvKernelsAreKaimingUniformAndBatchNormStartsAtIdentity()
    {
        using var net = ModelTestKit.TinyYolo(seed: 9);
        var state = ModelTestKit.Snapshot(net);
        // Layer 76: 3×3 over 64 channels at width 0.125, 128 filters — 73,728 draws from U(−b, b), b = 1/√576.
        var w = state["76.conv.weight"];
        var bound = 1 / Math.Sqrt(9 * 64);
        Assert.That(w, Has.Length.EqualTo(128 * 64 * 9));
        Assert.That(w.Max(), Is.LessThanOrEqualTo(bound).And.GreaterThan(0.99 * bound));
        Assert.That(w.Min(), Is.GreaterThanOrEqualTo(-bound).And.LessThan(-0.99 * bound));
        var variance = w.Select(v => (double)v * v).Average();
        Assert.That(variance, Is.EqualTo(bound * bound / 3).Within(0.02 * bound * bound / 3));
        var b81 = state["81.conv.bias"];
        Assert.That(b81.All(v => Math.Abs(v) <= 1 / Math.Sqrt(128)), "output conv bias is U(±1/√fan_in) as PyTorch's");
        Assert.That(state["75.bn.weight"], Is.All.EqualTo(1f));
        Assert.That(state["75.bn.bias"], Is.All.EqualTo(0f));
        Assert.That(state["75.bn.running_var"], Is.All.EqualTo(1f));
    }

    [Test]
    public void LayerRangeParsing()
    {
        Assert.That(LayerRange.Parse("0-74"), Is.EqualTo(new LayerRange(0, 74)));
        Assert.That(LayerRange.Parse("5"), Is.EqualTo(new LayerRange(5, 5)));
        Assert.Throws<FormatException>(() => LayerRange.Parse("74-0"));
        Assert.Throws<FormatException>(() => LayerRange.Parse("a-b"));
        using var net = ModelTestKit.TinyYolo(seed: 0, size: 32);
        Assert.Throws<ArgumentOutOfRangeException>(() => net.Freeze(new LayerRange(100, 107)));
    }
}
