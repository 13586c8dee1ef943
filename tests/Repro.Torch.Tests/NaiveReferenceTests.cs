using Repro.Torch.NN;

namespace Repro.Torch.Tests;

/// <summary>conv2d, the inference conv, batch_norm and nearest interpolation against naive float64 loops written here.</summary>
public class NaiveReferenceTests
{
    private static double[] Random(int seed, int n)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => r.NextDouble() * 2 - 1).ToArray();
    }

    private static double[] NaiveConv(double[] x, double[] w, double[] b, int n, int c, int h, int wd, int k, int ks, int stride, int pad,
        out int oh, out int ow)
    {
        oh = (h + 2 * pad - ks) / stride + 1;
        ow = (wd + 2 * pad - ks) / stride + 1;
        var y = new double[n * k * oh * ow];
        for (var ni = 0; ni < n; ni++)
        for (var ki = 0; ki < k; ki++)
        for (var yi = 0; yi < oh; yi++)
        for (var xi = 0; xi < ow; xi++)
        {
            var sum = b[ki];
            for (var ci = 0; ci < c; ci++)
            for (var dy = 0; dy < ks; dy++)
            for (var dx = 0; dx < ks; dx++)
            {
                var iy = yi * stride - pad + dy;
                var ix = xi * stride - pad + dx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                sum += x[((ni * c + ci) * h + iy) * wd + ix] * w[((ki * c + ci) * ks + dy) * ks + dx];
            }
            y[((ni * k + ki) * oh + yi) * ow + xi] = sum;
        }
        return y;
    }

    [TestCase(1, 0, 3)]
    [TestCase(2, 1, 3)]
    [TestCase(1, 0, 1)]
    [TestCase(2, 0, 1)]
    public void Conv2dMatchesNaiveLoops(int stride, int pad, int ks)
    {
        const int n = 2, c = 3, h = 7, wd = 6, k = 4;
        var x = Random(1, n * c * h * wd);
        var w = Random(2, k * c * ks * ks);
        var b = Random(3, k);
        var expected = NaiveConv(x, w, b, n, c, h, wd, k, ks, stride, pad, out var oh, out var ow);

        using var scope = torch.NewDisposeScope();
        var y = functional.conv2d(torch.tensor(x, n, c, h, wd), torch.tensor(w, k, c, ks, ks), torch.tensor(b), stride, pad);
        Assert.That(y.shape, Is.EqualTo(new long[] { n, k, oh, ow }));
        Assert.That(y.ToArray<double>(), Is.EqualTo(expected).Within(1e-12));
    }

    // The inference conv runs in float32 (oneDNN on the CPU): it matches the float64 loops up to float32 rounding of
    // sums of up to 144 products of values in [−1, 1], measured below 1e-6 of the largest output; 1e-5 leaves room, and
    // a wrong padding, stride, bias or slope misses by orders of magnitude.
    [TestCase(1, 1, 3, 0.1, 3)]
    [TestCase(2, 1, 3, 0.1, 16)]
    [TestCase(1, 0, 1, 0.1, 16)]
    [TestCase(1, 0, 1, null, 16)]
    [TestCase(2, 0, 1, null, 3)]
    public void InferenceConvMatchesNaiveLoopsForEveryBatchSize(int stride, int pad, int ks, double? slope, int c)
    {
        const int h = 9, wd = 7, k = 24;
        var w = Random(2, k * c * ks * ks);
        var b = Random(3, k);
        using var scope = torch.NewDisposeScope();
        using var conv = new InferenceConv2d(torch.tensor(w, k, c, ks, ks).@float(), torch.tensor(b).@float(), stride, pad, slope);
        // A batch of 3 and then of 2: a new input shape gets its own primitive and reuses the packed weights.
        foreach (var n in new[] { 3, 2, 3 })
        {
            var x = Random(10 + n, n * c * h * wd);
            var expected = NaiveConv(x, w, b, n, c, h, wd, k, ks, stride, pad, out var oh, out var ow)
                .Select(v => slope is { } s && v < 0 ? s * v : v).ToArray();
            var input = torch.tensor(x, n, c, h, wd).@float();
            var y = conv.forward(input);
            Assert.That(y.shape, Is.EqualTo(new long[] { n, k, oh, ow }));
            var largest = expected.Max(Math.Abs);
            var got = y.@double().ToArray<double>();
            var worst = got.Zip(expected, (g, e) => Math.Abs(g - e)).Max() / largest;
            TestContext.Out.WriteLine($"batch {n}: largest difference {worst:E1} of the largest output");
            Assert.That(worst, Is.LessThan(1e-5), $"batch {n}");
            Assert.That(conv.forward(input).equal(y), "the same input twice gave different bytes");
        }
    }

    [Test]
    public void InferenceConvRefusesAWrongInputAndADisposedConv()
    {
        using var scope = torch.NewDisposeScope();
        var conv = new InferenceConv2d(torch.zeros([4, 3, 3, 3]), torch.zeros([4]), 1, 1, 0.1);
        var ex = Assert.Throws<TorchException>(() => conv.forward(torch.zeros([1, 5, 8, 8])));
        Assert.That(ex!.Message, Does.Contain("N×3×H×W").And.Contain("[1, 5, 8, 8]"));
        Assert.Throws<TorchException>(() => _ = new InferenceConv2d(torch.zeros([4, 3, 3, 3]), torch.zeros([5]), 1, 1, null));
        conv.Dispose();
        Assert.Throws<ObjectDisposedException>(() => conv.forward(torch.zeros([1, 3, 8, 8])));
    }

    [Test]
    public void BatchNormTrainingNormalisesByBatchStatisticsAndMovesRunningStatistics()
    {
        const int n = 3, c = 2, hw = 4;
        var x = Random(4, n * c * hw);
        double[] gamma = [1.5, -0.5], beta = [0.1, 0.2], runMean = [0.3, -0.1], runVar = [2.0, 0.5];
        const double momentum = 0.1, eps = 1e-5;

        var expected = new double[x.Length];
        var expectedMean = new double[c];
        var expectedVar = new double[c];
        for (var ci = 0; ci < c; ci++)
        {
            var values = new List<double>();
            for (var ni = 0; ni < n; ni++) for (var i = 0; i < hw; i++) values.Add(x[(ni * c + ci) * hw + i]);
            var mean = values.Average();
            var biased = values.Sum(v => (v - mean) * (v - mean)) / values.Count;
            var unbiased = biased * values.Count / (values.Count - 1);
            for (var ni = 0; ni < n; ni++)
            for (var i = 0; i < hw; i++)
            {
                var at = (ni * c + ci) * hw + i;
                expected[at] = (x[at] - mean) / Math.Sqrt(biased + eps) * gamma[ci] + beta[ci];
            }
            // PyTorch semantics: the running variance moves towards the unbiased batch variance.
            expectedMean[ci] = (1 - momentum) * runMean[ci] + momentum * mean;
            expectedVar[ci] = (1 - momentum) * runVar[ci] + momentum * unbiased;
        }

        using var scope = torch.NewDisposeScope();
        var rm = torch.tensor(runMean);
        var rv = torch.tensor(runVar);
        var y = functional.batch_norm(torch.tensor(x, n, c, 2, 2), rm, rv, torch.tensor(gamma), torch.tensor(beta), training: true, momentum, eps);
        Assert.That(y.ToArray<double>(), Is.EqualTo(expected).Within(1e-12));
        Assert.That(rm.ToArray<double>(), Is.EqualTo(expectedMean).Within(1e-12));
        Assert.That(rv.ToArray<double>(), Is.EqualTo(expectedVar).Within(1e-12));
    }

    [Test]
    public void BatchNormEvalUsesRunningStatisticsAndLeavesThemAlone()
    {
        var x = Random(5, 2 * 2 * 3);
        double[] gamma = [2, 3], beta = [-1, 1], runMean = [0.5, -0.5], runVar = [4, 0.25];
        var expected = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            var ci = i / 3 % 2;
            expected[i] = (x[i] - runMean[ci]) / Math.Sqrt(runVar[ci] + 1e-5) * gamma[ci] + beta[ci];
        }
        using var scope = torch.NewDisposeScope();
        var rm = torch.tensor(runMean);
        var rv = torch.tensor(runVar);
        var y = functional.batch_norm(torch.tensor(x, 2, 2, 3, 1), rm, rv, torch.tensor(gamma), torch.tensor(beta), training: false);
        Assert.That(y.ToArray<double>(), Is.EqualTo(expected).Within(1e-12));
        Assert.That(rm.ToArray<double>(), Is.EqualTo(runMean));
        Assert.That(rv.ToArray<double>(), Is.EqualTo(runVar));
    }

    [Test]
    public void NearestInterpolationRepeatsEachPixel()
    {
        const int h = 3, w = 4, s = 2;
        var x = Random(6, 2 * h * w);
        var expected = new double[2 * h * s * w * s];
        for (var c = 0; c < 2; c++)
        for (var y = 0; y < h * s; y++)
        for (var xx = 0; xx < w * s; xx++)
            expected[(c * h * s + y) * w * s + xx] = x[(c * h + y / s) * w + xx / s];
        using var scope = torch.NewDisposeScope();
        var up = functional.interpolate(torch.tensor(x, 1, 2, h, w), s);
        Assert.That(up.shape, Is.EqualTo(new long[] { 1, 2, h * s, w * s }));
        Assert.That(up.ToArray<double>(), Is.EqualTo(expected));
    }
}
