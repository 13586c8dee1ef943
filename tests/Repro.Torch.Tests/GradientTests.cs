using Repro.Torch.NN;

namespace Repro.Torch.Tests;

/// <summary>Every differentiable op the models use, against finite differences in float64.</summary>
public class GradientTests
{
    private static Tensor Randn(long seed, params long[] shape)
    {
        using var g = new Generator(seed);
        return torch.randn(shape, g, torch.float64);
    }

    [Test]
    public void Conv2dStridedPaddedWithBias() =>
        GradCheck.Check(x => functional.conv2d(x[0], x[1], x[2], stride: 2, padding: 1),
            Randn(1, 2, 3, 5, 5), Randn(2, 4, 3, 3, 3), Randn(3, 4));

    [Test]
    public void Conv2dPointwise() =>
        GradCheck.Check(x => functional.conv2d(x[0], x[1]), Randn(1, 2, 3, 4, 4), Randn(2, 2, 3, 1, 1));

    [Test]
    public void BatchNormTraining() =>
        GradCheck.Check(x => functional.batch_norm(x[0], null, null, x[1], x[2], training: true),
            Randn(1, 3, 2, 3, 3), Randn(2, 2), Randn(3, 2));

    [Test]
    public void BatchNormEval()
    {
        using var mean = Randn(7, 2);
        using var variance = Randn(8, 2).abs() + 0.5;
        GradCheck.Check(x => functional.batch_norm(x[0], mean, variance, x[1], x[2], training: false),
            Randn(1, 2, 2, 3, 3), Randn(2, 2), Randn(3, 2));
    }

    [Test]
    public void LeakyRelu() => GradCheck.Check(x => functional.leaky_relu(x[0], 0.1), Randn(1, 3, 7));

    // 2 × 6 × 7 = 84 rows: two of the fused kernel's 64-row blocks, the second partial.
    [TestCase(MemoryFormat.Contiguous)]
    [TestCase(MemoryFormat.ChannelsLast)]
    public void BatchNormLeakyReluFused(MemoryFormat layout) =>
        GradCheck.Check(x => functional.batch_norm_leaky_relu(functional.conv2d(x[0].contiguous(layout), x[1], padding: 1), null, null, x[2], x[3], 0.1, 1e-5, 0.1),
            Randn(1, 2, 3, 6, 7), Randn(2, 3, 3, 3, 3), Randn(3, 3), Randn(4, 3));

    [Test]
    public void LeakyReluInPlaceAfterConvAndBatchNorm() =>
        GradCheck.Check(x => functional.leaky_relu_(functional.batch_norm(functional.conv2d(x[0], x[1], padding: 1), null, null, x[2], x[3], training: true), 0.1),
            Randn(1, 2, 3, 4, 4), Randn(2, 3, 3, 3, 3), Randn(3, 3), Randn(4, 3));

    [Test]
    public void InterpolateNearest() => GradCheck.Check(x => functional.interpolate(x[0], 2), Randn(1, 1, 2, 3, 3));

    [Test]
    public void MaxPoolAndAdaptiveAveragePool()
    {
        GradCheck.Check(x => functional.max_pool2d(x[0], 2), Randn(1, 1, 2, 4, 4));
        GradCheck.Check(x => functional.adaptive_avg_pool2d(x[0], 1, 1), Randn(2, 2, 3, 3, 3));
    }

    [Test]
    public void LinearSoftmaxAndCrossEntropy()
    {
        using var target = torch.tensor(new long[] { 0, 2, 1 });
        GradCheck.Check(x => functional.cross_entropy(functional.linear(x[0], x[1], x[2]), target),
            Randn(1, 3, 4), Randn(2, 3, 4), Randn(3, 3));
        GradCheck.Check(x => functional.log_softmax(x[0], 1), Randn(4, 2, 5));
    }

    [Test]
    public void BinaryCrossEntropyWithLogitsAndMse()
    {
        using var g = new Generator(5);
        using var target = torch.rand([3, 4], g, torch.float64);
        GradCheck.Check(x => functional.binary_cross_entropy_with_logits(x[0], target), Randn(1, 3, 4));
        GradCheck.Check(x => functional.mse_loss(x[0], x[1], Reduction.Sum), Randn(1, 3, 4), Randn(2, 3, 4));
    }

    [Test]
    public void ElementwiseArithmeticAndMath()
    {
        GradCheck.Check(x => x[0] * x[1] + x[0] / (x[1].abs() + 1) - 3 * x[1], Randn(1, 5), Randn(2, 5));
        GradCheck.Check(x => x[0].sigmoid() * x[0].exp() + (x[0].abs() + 0.5).log() + (x[0].abs() + 0.5).sqrt(), Randn(3, 6));
        GradCheck.Check(x => x[0].matmul(x[1]), Randn(1, 3, 4), Randn(2, 4, 2));
        GradCheck.Check(x => x[0].clamp(-0.5, 0.5) + x[0].pow(2.0), Randn(4, 7));
    }

    [Test]
    public void ShapeOps()
    {
        GradCheck.Check(x => torch.cat([x[0], x[1]], 1), Randn(1, 2, 3, 2, 2), Randn(2, 2, 1, 2, 2));
        GradCheck.Check(x => x[0].reshape(3, 2, 2).permute(2, 0, 1).slice(1, 0, 3, 2).sum(1), Randn(1, 12));
        GradCheck.Check(x => torch.stack([x[0], x[0] * 2], 0).select(2, 1), Randn(1, 3, 2));
        GradCheck.Check(x => x[0].view(2, 1, 3, 3).transpose(2, 3).flatten(1), Randn(1, 2, 9));
    }
}
