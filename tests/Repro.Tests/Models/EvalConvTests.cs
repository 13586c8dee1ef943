using Repro.Models.Darknet;
using Repro.Torch;
using Repro.Torch.Optim;

namespace Repro.Tests.Models;

/// <summary>
/// The eval forward runs each conv layer as one eval conv: batch norm eval into the conv, the leaky ReLU fused,
/// oneDNN's kernels on channels-last activations. CKA and the activation statistics read every layer, so every
/// layer's output must stay what the separate conv → batch norm → leaky computes, up to float rounding; and the eval
/// conv must follow every change of the weights and statistics it was made from.
/// </summary>
public class EvalConvTests
{
    // float32 rounds to 6e-8 relative. The eval conv rounds W·s once and sums in oneDNN's order where the separate
    // path sums in libtorch's and then rounds (y − μ)·s + β, so each conv layer's output moves by a few units of
    // rounding of its largest values, compounded through up to 75 convs in depth with batch-norm gains near 1:
    // measured here, at most 1.5e-6 of a layer's largest magnitude. 1e-5 leaves several times that, while a fold
    // missing ε, μ or β, a wrong slope, or a stale eval conv, misses by orders of magnitude (γ, β, μ and σ² are all
    // drawn far from 1 and 0 below).
    private const double Tolerance = 1e-5;

    [Test]
    public void EveryLayerOfTheEvalForwardEqualsTheSeparateLayersUpToRounding()
    {
        using var scope = torch.NewDisposeScope();
        using var net = ModelTestKit.TinyYolo(seed: 11, size: 64);
        RandomiseBatchNorms(net, 12);
        var images = ModelTestKit.Images(3, 64, 13);

        var eval = EveryLayer(net, images, evalConvs: true);
        var separate = EveryLayer(net, images, evalConvs: false);

        Assert.That(eval.Keys, Is.EqualTo(Enumerable.Range(0, 107)));
        var worst = eval.Keys.Max(i => RelativeDifference(eval[i], separate[i]));
        TestContext.Out.WriteLine($"largest difference of any layer, relative to that layer's largest magnitude: {worst:E2}");
        foreach (var i in eval.Keys)
            Assert.That(RelativeDifference(eval[i], separate[i]), Is.LessThanOrEqualTo(Tolerance), $"layer {i}");
        // Not a comparison of one path with itself: the eval convs round differently somewhere.
        Assert.That(eval.Keys.Any(i => !eval[i].equal(separate[i])), "the eval forward ran no eval conv");
    }

    [Test]
    public void TheEvalConvFollowsTrainModeForwardsTrainingStepsWeightLoadsAndStatisticsWrites()
    {
        using var scope = torch.NewDisposeScope();
        using var net = ModelTestKit.TinyYolo(seed: 21, size: 64);
        RandomiseBatchNorms(net, 22);
        var images = ModelTestKit.Images(2, 64, 23);
        AssertEvalEqualsSeparate(net, images, "first eval forward");

        // A train-mode forward alone moves the running statistics (libtorch's batch norm writes them without
        // bumping their version counter).
        using (var _ = torch.no_grad())
        {
            net.train();
            net.Forward(images).Dispose();
        }
        AssertEvalEqualsSeparate(net, images, "after a train-mode forward");

        // Training steps: parameters move (Adam) and the running statistics too (train-mode batch norm).
        using (var adam = new Adam(net.trainable_parameters(), lr: 1e-2))
        {
            for (var step = 0; step < 2; step++)
            {
                using var stepScope = torch.NewDisposeScope();
                net.train();
                adam.zero_grad();
                net.Forward(images).Raw.Select(r => r.square().mean()).Aggregate((a, b) => a + b).backward();
                adam.step();
            }
        }
        AssertEvalEqualsSeparate(net, images, "after training steps");

        // Weights loaded from another model.
        using (var other = ModelTestKit.TinyYolo(seed: 24, size: 64))
        {
            RandomiseBatchNorms(other, 25);
            net.load_state_dict(other.state_dict());
        }
        AssertEvalEqualsSeparate(net, images, "after load_state_dict");

        // One running statistic written in place.
        using (torch.no_grad()) net.state_dict()["0.bn.running_var"].mul_(4);
        AssertEvalEqualsSeparate(net, images, "after a running variance changed");
    }

    private static void AssertEvalEqualsSeparate(DarknetNetwork net, Tensor images, string when)
    {
        using var scope = torch.NewDisposeScope();
        var eval = EveryLayer(net, images, evalConvs: true);
        var separate = EveryLayer(net, images, evalConvs: false);
        foreach (var i in eval.Keys)
            Assert.That(RelativeDifference(eval[i], separate[i]), Is.LessThanOrEqualTo(Tolerance), $"{when}: layer {i}");
    }

    private static Dictionary<int, Tensor> EveryLayer(DarknetNetwork net, Tensor images, bool evalConvs)
    {
        net.UsesEvalConvs = evalConvs;
        try
        {
            var outputs = new Dictionary<int, Tensor>();
            net.ForwardLayers(images, (i, output) => outputs[i] = output.clone());
            return outputs;
        }
        finally
        {
            net.UsesEvalConvs = true;
        }
    }

    /// <summary>max |a − b| over max |b|: rounding is relative to the magnitudes a layer holds.</summary>
    private static double RelativeDifference(Tensor a, Tensor b)
    {
        using var scope = torch.NewDisposeScope();
        return (a.@double() - b.@double()).abs().max().item() / Math.Max(b.@double().abs().max().item(), 1e-30);
    }

    /// <summary>γ in [0.5, 1.5), β in [−0.5, 0.5), and the running statistics of <see cref="ModelTestKit"/>.</summary>
    private static void RandomiseBatchNorms(DarknetNetwork net, long seed)
    {
        ModelTestKit.RandomiseBatchNormStatistics(net, seed);
        using var g = new Generator(seed + 1000);
        using var _ = torch.no_grad();
        foreach (var (name, parameter) in net.named_parameters().Where(p => p.Name.Contains(".bn.", StringComparison.Ordinal)))
        {
            using var u = torch.rand(parameter.shape, g);
            using var value = name.EndsWith("weight", StringComparison.Ordinal) ? u + 0.5 : u - 0.5;
            parameter.copy_(value);
        }
    }
}
