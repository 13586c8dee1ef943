using Repro.Similarity;
using Repro.Torch;

namespace Repro.Tests.Similarity;

public class GramCaptureTests
{
    private const int Images = 12, Side = 16, BatchSize = 5;

    private static (Tensor Images, ImageSet Set) MakeImages(int count = Images, long seed = 3)
    {
        var images = torch.rand([count, 3, Side, Side], new Generator(seed)).DetachFromDisposeScope();
        return (images, ImageSet.FromTensor(images, Enumerable.Range(0, count).Select(i => $"img{i:D3}").ToList()));
    }

    /// <summary>Every layer's activations for all images, batch by batch as the capture feeds them, in float64.</summary>
    private static Dictionary<int, Tensor> InMemoryActivations(SmallLayerwiseNetwork network, Tensor images)
    {
        var parts = new Dictionary<int, List<Tensor>>();
        for (var start = 0; start < images.size(0); start += BatchSize)
        {
            var count = Math.Min(BatchSize, images.size(0) - start);
            network.ForwardLayers(images.narrow(0, start, count), (layer, output) =>
            {
                if (!parts.TryGetValue(layer, out var list)) parts[layer] = list = [];
                list.Add(output.reshape(count, -1).@double().MoveToOuterDisposeScope());
            });
        }
        return parts.ToDictionary(p => p.Key, p => torch.cat(p.Value));
    }

    [Test]
    public void MemoryBoundedCaptureEqualsTheInMemoryGrams()
    {
        using var scope = torch.NewDisposeScope();
        using var network = new SmallLayerwiseNetwork(seed: 11);
        var (images, set) = MakeImages();
        var activations = InMemoryActivations(network, images);
        // Room for the five Grams plus about 20 kB of activations: layer 0 alone needs 12 × 1024 × 4 = 49 kB.
        var budget = 5L * Images * Images * 8 + 20_000;
        using var captured = GramCapture.Capture(network, set, options: new GramCaptureOptions(budget, BatchSize, CollectStatistics: false));
        Assert.That(captured.Report.Passes, Is.GreaterThan(3));
        Assert.That(captured.Report.SplitLayers, Is.GreaterThanOrEqualTo(1));
        Assert.That(captured.Report.PeakHeldBytes, Is.LessThanOrEqualTo(budget));
        using var unbounded = GramCapture.Capture(network, set, options: new GramCaptureOptions(BatchSize: BatchSize, CollectStatistics: false));
        Assert.That(unbounded.Report.Passes, Is.EqualTo(1));
        Assert.That(captured.Grams.Layers, Is.EqualTo(new[] { 0, 1, 2, 3, 4 }));
        foreach (var layer in captured.Grams.Layers)
        {
            var x = activations[layer];
            var reference = x.matmul(x.t());
            var scale = reference.abs().max().item();
            foreach (var gram in new[] { captured.Grams[layer], unbounded.Grams[layer] })
            {
                Assert.That(gram.dtype, Is.EqualTo(ScalarType.Float64));
                var difference = (gram - reference).abs().max().item();
                Assert.That(difference, Is.LessThanOrEqualTo(1e-12 * scale), $"layer {layer}");
            }
        }
    }

    [Test]
    public void OnlyTheWantedLayersAreCaptured()
    {
        using var scope = torch.NewDisposeScope();
        using var network = new SmallLayerwiseNetwork(seed: 11);
        var (_, set) = MakeImages();
        using var captured = GramCapture.Capture(network, set, [4, 1], new GramCaptureOptions(BatchSize: 4, CollectStatistics: false));
        Assert.That(captured.Grams.Layers, Is.EqualTo(new[] { 1, 4 }));
        Assert.That(captured.Grams.Examples, Is.EqualTo(Images));
    }

    [Test]
    public void ABudgetThatCannotHoldTheGramsIsRefusedClearly()
    {
        using var scope = torch.NewDisposeScope();
        using var network = new SmallLayerwiseNetwork(seed: 11);
        var (_, set) = MakeImages();
        Assert.That(() => GramCapture.Capture(network, set, options: new GramCaptureOptions(1000, CollectStatistics: false)),
            Throws.ArgumentException.With.Message.Contains("too small"));
    }

    [Test]
    public void StatisticsFromTheCaptureMatchExactOnesOverAllActivations()
    {
        using var scope = torch.NewDisposeScope();
        using var network = new SmallLayerwiseNetwork(seed: 5);
        var (images, set) = MakeImages();
        var activations = InMemoryActivations(network, images);
        // A budget that splits layers: statistics must still count every value exactly once.
        var budget = 5L * Images * Images * 8 + (5 + Images) * ActivationStatistics.FootprintBytes + 20_000;
        using var captured = GramCapture.Capture(network, set, options: new GramCaptureOptions(budget, BatchSize));
        Assert.That(captured.Report.SplitLayers, Is.GreaterThanOrEqualTo(1));
        foreach (var (layer, statistics) in captured.Statistics)
        {
            var values = activations[layer].@float().@double().ToArray<double>();
            var summary = statistics.Summary();
            ActivationStatisticsTests.AssertMatchesExact(summary, values, $"layer {layer}");
        }
        // Per image, over every layer: what a bootstrap over images resamples.
        Assert.That(captured.PerImage, Has.Count.EqualTo(Images));
        for (var i = 0; i < Images; i++)
        {
            var values = activations.OrderBy(a => a.Key).SelectMany(a => a.Value[i].@float().@double().ToArray<double>()).ToArray();
            ActivationStatisticsTests.AssertMatchesExact(captured.PerImage[i].Summary(), values, $"image {i}");
        }
    }
}
