using Repro.Torch.NN;
using Repro.Torch.Optim;

namespace Repro.Torch.Tests;

public class ModuleTests
{
    /// <summary>conv → bn → leaky → conv: the shape of a darknet block, small.</summary>
    internal sealed class TinyNet : Module
    {
        public readonly Conv2d Conv1, Conv2;
        public readonly BatchNorm2d Norm;

        public TinyNet(long seed)
        {
            using var g = new Generator(seed);
            Conv1 = RegisterModule("conv1", new Conv2d(3, 8, 3, 1, 1, bias: false, g));
            Norm = RegisterModule("bn1", new BatchNorm2d(8));
            Conv2 = RegisterModule("conv2", new Conv2d(8, 1, 1, 1, 0, bias: true, g));
        }

        public Tensor forward(Tensor x) => Conv2.forward(functional.leaky_relu(Norm.forward(Conv1.forward(x)), 0.1));
    }

    [Test]
    public void NamedParametersBuffersAndStateDict()
    {
        using var net = new TinyNet(0);
        Assert.That(net.named_parameters().Select(p => p.Name),
            Is.EqualTo(new[] { "conv1.weight", "bn1.weight", "bn1.bias", "conv2.weight", "conv2.bias" }));
        Assert.That(net.named_buffers().Select(b => b.Name), Is.EqualTo(new[] { "bn1.running_mean", "bn1.running_var" }));
        Assert.That(net.ParameterCount(), Is.EqualTo(8 * 3 * 9 + 8 + 8 + 8 + 1));

        using var other = new TinyNet(1);
        Assert.That(other.Conv1.Weight.equal(net.Conv1.Weight), Is.False);
        other.load_state_dict(net.state_dict());
        Assert.That(other.Conv1.Weight.equal(net.Conv1.Weight), Is.True);
    }

    [Test]
    public void SameSeedGivesBitIdenticalInitialWeights()
    {
        using var a = new TinyNet(7);
        using var b = new TinyNet(7);
        foreach (var ((name, pa), (_, pb)) in a.named_parameters().Zip(b.named_parameters()))
            Assert.That(pa.equal(pb), Is.True, name);
        // PyTorch's default conv init: U(−1/√fan_in, 1/√fan_in).
        var bound = 1 / Math.Sqrt(3 * 9);
        Assert.That(a.Conv1.Weight.abs().max().item(), Is.LessThanOrEqualTo(bound));
        Assert.That(a.Conv1.Weight.abs().max().item(), Is.GreaterThan(0.8 * bound));
    }

    [Test]
    public void FrozenPartGetsNoGradientAndItsBatchNormStatisticsStayPut()
    {
        using var net = new TinyNet(0);
        net.Conv1.freeze();
        net.Norm.freeze();
        net.train();
        Assert.That(net.Norm.training, Is.False, "a frozen batch norm stays in eval mode");
        var meanBefore = net.Norm.RunningMean.ToArray<float>();
        var conv1Before = net.Conv1.Weight.ToArray<float>();
        var conv2Before = net.Conv2.Weight.ToArray<float>();
        using var adam = new Adam(net.trainable_parameters(), lr: 0.01);
        using var g = new Generator(1);
        for (var i = 0; i < 3; i++)
        {
            using var scope = torch.NewDisposeScope();
            adam.zero_grad();
            var x = torch.randn([2, 3, 5, 5], g) + 1;
            net.forward(x).square().mean().backward();
            Assert.That(net.Conv1.Weight.grad, Is.Null);
            adam.step();
        }
        Assert.That(net.Norm.RunningMean.ToArray<float>(), Is.EqualTo(meanBefore));
        Assert.That(net.Conv1.Weight.ToArray<float>(), Is.EqualTo(conv1Before));
        Assert.That(net.Conv2.Weight.ToArray<float>(), Is.Not.EqualTo(conv2Before));
    }
}
