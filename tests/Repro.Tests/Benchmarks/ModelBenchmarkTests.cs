using Repro.Benchmarks;
using Repro.Models.Darknet;

namespace Repro.Tests.Benchmarks;

public class ModelBenchmarkTests
{
    [Test]
    public void FlopsPerImageCountsTwiceTheConvMultiplyAdds()
    {
        // Darknet prints 65.86 BFLOPs for YOLOv3-416 (80 classes); layer 0 alone is 2·3·3·3·32·416·416.
        Assert.That(ModelBenchmark.FlopsPerImage(1, 416, 80) / 1e9, Is.EqualTo(65.86).Within(0.01));
        var layer0 = LayerShapes.Infer(BuiltinCfgs.YoloV3(), 416, 416)[0].Flops;
        Assert.That(layer0, Is.EqualTo(2L * 3 * 3 * 3 * 32 * 416 * 416));
        // Doubling the input side quadruples every conv.
        Assert.That(ModelBenchmark.FlopsPerImage(1, 416) * 4, Is.EqualTo(ModelBenchmark.FlopsPerImage(1, 832)));
    }

    [Test]
    public void RowsCoverTheRequestedGridWithConsistentArithmetic()
    {
        var rows = ModelBenchmark.Run(new ModelBenchmarkOptions
        {
            Widths = [0.125], Sizes = [32, 64], BatchSize = 2, WarmupIterations = 0, MinIterations = 1, MinSeconds = 0,
        });
        Assert.That(rows.Select(r => (r.Size, r.Pass)), Is.EqualTo(new[]
        {
            (32, ModelPass.Forward), (32, ModelPass.ForwardBackward), (64, ModelPass.Forward), (64, ModelPass.ForwardBackward),
        }));
        foreach (var r in rows)
        {
            Assert.That(r.GflopsPerImage, Is.EqualTo(ModelBenchmark.FlopsPerImage(0.125, r.Size) / 1e9).Within(1e-12));
            Assert.That(r.ImagesPerSecond, Is.EqualTo(r.BatchSize / r.SecondsPerBatch).Within(1e-9 * r.ImagesPerSecond));
            var factor = r.Pass == ModelPass.ForwardBackward ? 3 : 1;
            Assert.That(r.AchievedGflopsPerSecond, Is.EqualTo(r.ImagesPerSecond * r.GflopsPerImage * factor).Within(1e-9 * r.AchievedGflopsPerSecond));
            Assert.That(r.PeakRatio(2 * r.AchievedGflopsPerSecond), Is.EqualTo(0.5).Within(1e-12));
        }
    }
}
