using Repro.Models.Darknet;
using Repro.Torch;
using Repro.Torch.Optim;

namespace Repro.Tests.Models;

/// <summary>
/// The eval forward folds each batch norm into its conv. CKA and the activation statistics read every layer, so
/// every layer's output must stay what the unfolded conv → batch norm → leaky computes, up to float rounding; and
/// the fold must follow every change of the weights and statistics it was made from.
/// </summary>
public class BatchNormFoldingTests
{
    // float32 rounds to 6e-8 relative. Folding rounds W·s once where the unfolded path rounds the conv sum and then
    // (y − μ)·s + β, so each conv layer's output moves by a few units of rounding of its largest values, compounded
    // through up to 75 convs in depth with batch-norm gains near 1: measured here, at most 1e-6 of a layer's largest
    // magnitude. 1e-5 leaves ten times that, while a fold missing ε, μ or β, or a stale fold, misses by orders of
    // magnitude (γ, β, μ and σ² are all drawn far from 1 and 0 below).
    private const double Tolerance = 1e-5;

    [Test]
    public void EveryLayerOfTheEvalForwardEqualsTheUnfoldedOneUpToRounding()
    {
        using var scope = torch.NewDisposeScope();
        using var net = ModelTestKit.TinyYolo(seed: 11, size: 64);
        RandomiseBatchNorms(net, 12);
        var images = ModelTestKit.Images(3, 64, 13);

        var folded = EveryLayer(net, images, fold: true);
        var unfolded = EveryLayer(net, images, fold: false);

        Assert.That(folded.Keys, Is.EqualTo(Enumerable.Range(0, 107)));
        var worst = folded.Keys.Max(i => RelativeDifference(folded[i], unfolded[i]));
        TestContext.Out.WriteLine($"largest difference of any layer, relative to that layer's largest magnitude: {worst:E2}");
        foreach (var i in folded.Keys)
            Assert.That(RelativeDifference(folded[i], unfolded[i]), Is.LessThanOrEqualTo(Tolerance), $"layer {i}");
        // Not a comparison of one path with itself: the folded convs round differently somewhere.
        Assert.That(folded.Keys.Any(i => !folded[i].equal(unfolded[i])), "the eval forward did not fold anything");
    }

    [Test]
    public void TheFoldFollowsTrainModeForwardsTrainingStepsWeightLoadsAndStatisticsWrites()
    {
        using var scope = torch.NewDisposeScope();
        using var net = ModelTestKit.TinyYolo(seed: 21, size: 64);
        RandomiseBatchNorms(net, 22);
        var images = ModelTestKit.Images(2, 64, 23);
        AssertFoldedEqualsUnfolded(net, images, "first eval forward");

        // A train-mode forward alone moves the running statistics (libtorch's batch norm writes them without
        // bumping their version counter).
        using (var _ = torch.no_grad())
        {
            net.train();
            net.Forward(images).Dispose();
        }
        AssertFoldedEqualsUnfolded(net, images, "after a train-mode forward");

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
        AssertFoldedEqualsUnfolded(net, images, "after training steps");

        // Weights loaded from another model.
        using (var other = ModelTestKit.TinyYolo(seed: 24, size: 64))
        {
            RandomiseBatchNorms(other, 25);
            net.load_state_dict(other.state_dict());
        }
        AssertFoldedEqualsUnfolded(net, images, "after load_state_dict");

        // One running statistic written in place.
        using (torch.no_grad()) net.state_dict()["0.bn.running_var"].mul_(4);
        AssertFoldedEqualsUnfolded(net, images, "after a running variance changed");
    }

    private static void AssertFoldedEqualsUnfolded(DarknetNetwork net, Tensor images, string when)
    {
        using var scope = torch.NewDisposeScope();
        var folded = EveryLayer(net, images, fold: true);
        var unfolded = EveryLayer(net, images, fold: false);
        foreach (var i in folded.Keys)
            Assert.That(RelativeDifference(folded[i], unfolded[i]), Is.LessThanOrEqualTo(Tolerance), $"{when}: layer {i}");
    }

    private static Dictionary<int, Tensor> EveryLayer(DarknetNetwork net, Tensor images, bool fold)
    {
        net.FoldsBatchNorm = fold;
        try
        {
            var outputs = new Dictionary<int, Tensor>();
            net.ForwardLayers(images, (i, output) => outputs[i] = output.clone());
            return outputs;
        }
        finally
        {
            net.FoldsBatchNorm = true;
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
