using Repro.Data;
using Repro.Evaluation;
using Repro.Experiments;
using Repro.Torch;
using Repro.Training;

namespace Repro.Tests.Training;

/// <summary>The training loop on <see cref="TinyDetector"/> and rectangle scenes (CPU, a few seconds each).</summary>
public class TrainerTests
{
    private string dir = "";

    [SetUp]
    public void CreateDirectory() => dir = Directory.CreateTempSubdirectory("repro-trainer-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(dir, recursive: true);

    /// <summary>Batches of 3 in an order that depends only on (seed, epoch), as resume requires.</summary>
    private static Func<int, IEnumerable<Batch>> Shuffled(List<(float[], BoundingBox[])> scenes, long seed) => epoch =>
    {
        var order = Enumerable.Range(0, scenes.Count).ToArray();
        new Random((int)(seed * 1000 + epoch)).Shuffle(order);
        return order.Chunk(3).Select(chunk => RectangleScenes.Batch(scenes, chunk)).ToList();
    };

    private static Func<int, IEnumerable<Batch>> InOrder(List<(float[], BoundingBox[])> scenes) =>
        _ => Enumerable.Range(0, scenes.Count).Chunk(3).Select(chunk => RectangleScenes.Batch(scenes, chunk)).ToList();

    private static double[][] Losses(IEnumerable<EpochMetrics> history) =>
        history.Select(m => new[] { m.Epoch, m.TrainBox, m.TrainObjectness, m.TrainClass, m.TrainTotal, m.ValidationBox, m.ValidationObjectness, m.ValidationClass, m.ValidationTotal }).ToArray();

    [Test]
    public void ResumingGivesTheSameLossCurveAsAnUninterruptedRun()
    {
        var scenes = RectangleScenes.Generate(6, seed: 1);
        var validation = RectangleScenes.Generate(3, seed: 2);
        TrainerOptions Options(string sub, int epochs, bool resume) => new()
        {
            OutputDirectory = Path.Combine(dir, sub), MaxEpochs = epochs, Seed = 5, Schedule = LearningRateSchedule.Constant(1e-3), Resume = resume, RestoreBestWeights = false,
        };

        using var straight = new TinyDetector(seed: 0, width: 8);
        var uninterrupted = new Trainer(straight, Options("a", 4, false), Shuffled(scenes, 5), InOrder(validation)).Run();

        using (var first = new TinyDetector(seed: 0, width: 8))
            new Trainer(first, Options("b", 2, false), Shuffled(scenes, 5), InOrder(validation)).Run();
        // A differently initialised model: everything it continues from must come from the checkpoint.
        using var resumed = new TinyDetector(seed: 99, width: 8);
        var continued = new Trainer(resumed, Options("b", 4, true), Shuffled(scenes, 5), InOrder(validation)).Run();

        Assert.That(continued.History, Has.Count.EqualTo(4));
        Assert.That(continued.Timings.Select(t => t.Epoch), Is.EqualTo(new[] { 1, 2, 3, 4 }), "the interrupted run's timings are kept");
        Assert.That(Losses(continued.History), Is.EqualTo(Losses(uninterrupted.History)));
        Assert.That(continued.BestEpoch, Is.EqualTo(uninterrupted.BestEpoch));
        foreach (var (name, tensor) in straight.state_dict())
            Assert.That(tensor.equal(resumed.state_dict()[name]), Is.True, name);
        // The losses moved: the comparison is not between two untrained models.
        Assert.That(uninterrupted.History[^1].TrainTotal, Is.LessThan(uninterrupted.History[0].TrainTotal));
    }

    [Test]
    public void MetricsCsvHasOneRowPerEpochAndBestWeightsAreRestored()
    {
        var scenes = RectangleScenes.Generate(3, seed: 1);
        using var model = new TinyDetector(seed: 0, width: 8);
        var options = new TrainerOptions { OutputDirectory = dir, MaxEpochs = 3, Seed = 0, Schedule = LearningRateSchedule.Constant(1e-3) };
        var result = new Trainer(model, options, InOrder(scenes), InOrder(scenes)).Run();

        var lines = File.ReadAllLines(result.MetricsPath);
        Assert.That(lines[0], Is.EqualTo(string.Join(",", EpochMetrics.Columns)));
        Assert.That(lines, Has.Length.EqualTo(4));
        Assert.That(lines[1].Split(',')[0], Is.EqualTo("1"));
        Assert.That(result.History.Select(m => m.LearningRate), Is.All.EqualTo(1e-3));
        Assert.That(result.Timings.Select(t => t.ImagesPerSecond), Is.All.GreaterThan(0));
        Assert.That(File.ReadAllLines(Path.Combine(dir, TimingsCsv.FileName)), Has.Length.EqualTo(4));

        // The model now holds the best epoch's weights, which score the best validation loss again.
        var best = result.History.Single(m => m.Epoch == result.BestEpoch).ValidationTotal;
        Assert.That(ValidationLoss(model, scenes), Is.EqualTo(best).Within(1e-4 * best));
    }

    [Test]
    public void TheSameRunWritesTheSameBytesWithItsWallClockTimingsLeftOutOfTheHash()
    {
        var scenes = RectangleScenes.Generate(3, seed: 1);
        string Train(string sub)
        {
            using var model = new TinyDetector(seed: 0, width: 8);
            new Trainer(model, new TrainerOptions { OutputDirectory = Path.Combine(dir, sub), MaxEpochs = 2, Seed = 0 }, InOrder(scenes), InOrder(scenes)).Run();
            return Path.Combine(dir, sub);
        }
        var (a, b) = (Train("a"), Train("b"));
        Assert.That(ContentHash.Files(a, []), Is.EquivalentTo(new[] { Trainer.BestWeightsFile, Trainer.CheckpointFile, Trainer.MetricsFile }));
        foreach (var file in ContentHash.Files(a, []))
            Assert.That(File.ReadAllBytes(Path.Combine(b, file)), Is.EqualTo(File.ReadAllBytes(Path.Combine(a, file))), file);
        Assert.That(ContentHash.OfFolder(b), Is.EqualTo(ContentHash.OfFolder(a)));
        Assert.That(File.ReadAllLines(Path.Combine(a, TimingsCsv.FileName)), Has.Length.EqualTo(3), "written, beside the hashed outputs");
    }

    [Test]
    public void ProgressKnowsTheBatchCountOfALazySourceWhoseLengthIsGiven()
    {
        var scenes = RectangleScenes.Generate(6, seed: 3);
        using var model = new TinyDetector(seed: 0, width: 8);
        var progress = new List<TrainingProgress>();
        IEnumerable<Batch> Lazy(int epoch) => Enumerable.Range(0, 6).Chunk(3).Select(chunk => RectangleScenes.Batch(scenes, chunk));
        new Trainer(model, new TrainerOptions { OutputDirectory = dir, MaxEpochs = 1, Seed = 0 }, e => new CountedBatches(Lazy(e), 2), Lazy)
            .Run(progress.Add);
        Assert.That(progress.Where(p => p.Phase == "train").Select(p => (p.Batch, p.BatchCount)), Is.EqualTo(new (int, int?)[] { (1, 2), (2, 2) }));
        Assert.That(progress.Where(p => p.Phase == "validate").Select(p => p.BatchCount), Is.All.Null, "a plain lazy sequence has no known length");
    }

    private static double ValidationLoss(TinyDetector model, List<(float[], BoundingBox[])> scenes)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        model.eval();
        var loss = new YoloLoss(model.Heads);
        double sum = 0;
        foreach (var batch in InOrder(scenes)(1))
            using (batch)
                sum += loss.Compute(model.Forward(batch.Images).Raw, batch.Targets, 64, 64).Values()[3] * batch.Targets.Count;
        return sum / scenes.Count;
    }

    [Test]
    public void ANonFiniteLossNamesEpochAndBatchAndKeepsTheLastCheckpoint()
    {
        var scenes = RectangleScenes.Generate(6, seed: 1);
        using var model = new TinyDetector(seed: 0, width: 8);
        var options = new TrainerOptions { OutputDirectory = dir, MaxEpochs = 5, Seed = 0 };
        Func<int, IEnumerable<Batch>> poisoned = epoch =>
        {
            var batches = InOrder(scenes)(epoch).ToList();
            if (epoch == 2)
                using (torch.no_grad())
                    batches[1].Images.fill_(double.NaN);
            return batches;
        };

        var e = Assert.Throws<TrainingDivergedException>(() => new Trainer(model, options, poisoned, InOrder(scenes)).Run())!;
        Assert.That((e.Epoch, e.Batch), Is.EqualTo((2, 1)));
        Assert.That(e.Message, Does.Contain("epoch 2, batch 1").And.Contain(Trainer.CheckpointFile));

        using var fresh = new TinyDetector(seed: 0, width: 8);
        using var optimizer = new Repro.Torch.Optim.Adam(fresh.trainable_parameters(), 1e-4);
        var state = Checkpoint.Load(Path.Combine(dir, Trainer.CheckpointFile), fresh, optimizer);
        Assert.That(state.CompletedEpochs, Is.EqualTo(1));
        Assert.That(fresh.parameters().All(p => p.isfinite().ToArray<bool>().All(b => b)), Is.True);
    }

    [Test]
    public void FrozenLayersGetNoGradientAndDoNotMoveWhileTheRestTrains()
    {
        var scenes = RectangleScenes.Generate(3, seed: 1);
        using var model = new TinyDetector(seed: 0, width: 8);
        foreach (var m in model.Blocks(2)) m.freeze();
        var frozenNames = model.named_parameters().Where(p => !p.Parameter.requires_grad).Select(p => p.Name).ToHashSet();
        Assert.That(frozenNames, Has.Count.EqualTo(3 * 3), "conv weight, norm weight and bias of blocks 0–2");

        // One backward pass: every trainable parameter gets a non-zero gradient, no frozen one gets any.
        using (var scope = torch.NewDisposeScope())
        using (var batch = RectangleScenes.Batch(scenes, [0, 1, 2]))
        {
            model.train();
            new YoloLoss(model.Heads).Compute(model.Forward(batch.Images).Raw, batch.Targets, 64, 64).Total.backward();
            foreach (var (name, p) in model.named_parameters())
            {
                using var g = p.grad;
                if (frozenNames.Contains(name)) Assert.That(g, Is.Null, name);
                else Assert.That(g is not null && g.abs().sum().item() > 0, Is.True, name);
            }
            model.zero_grad();
        }

        var before = model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone().DetachFromDisposeScope());
        new Trainer(model, new TrainerOptions { OutputDirectory = dir, MaxEpochs = 2, Seed = 0, RestoreBestWeights = false },
            InOrder(scenes), InOrder(scenes)).Run();
        foreach (var (name, after) in model.state_dict())
        {
            var frozen = name.StartsWith("conv0") || name.StartsWith("norm0") || name.StartsWith("conv1") || name.StartsWith("norm1")
                         || name.StartsWith("conv2") || name.StartsWith("norm2");
            // Frozen: weights and batch-norm running statistics stay exactly; trained: they move.
            if (name.EndsWith("num_batches_tracked")) continue;
            Assert.That(after.equal(before[name]), Is.EqualTo(frozen), name);
        }
        foreach (var t in before.Values) t.Dispose();
    }

    [Test]
    public void OverfittingAFewScenesDrivesMapAboveNinetyPercent()
    {
        var scenes = RectangleScenes.Generate(6, seed: 4);
        using var model = new TinyDetector(seed: 0, width: 16);
        // Ten steps on the same six images per "epoch", so the per-epoch checkpoint costs little.
        Func<int, IEnumerable<Batch>> repeated = _ => Enumerable.Range(0, 10).Select(_ => RectangleScenes.Batch(scenes, [0, 1, 2, 3, 4, 5])).ToList();
        var options = new TrainerOptions { OutputDirectory = dir, MaxEpochs = 30, Patience = 30, Seed = 0, Schedule = LearningRateSchedule.Constant(3e-3) };
        new Trainer(model, options, repeated, InOrder(scenes)).Run();

        var truth = new GroundTruth();
        for (var i = 0; i < scenes.Count; i++) truth.Add($"scene{i}", scenes[i].Item2);
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        model.eval();
        using var batch = RectangleScenes.Batch(scenes, [0, 1, 2, 3, 4, 5]);
        using var output = model.Forward(batch.Images);
        var detections = YoloDecoder.Decode(output.Decoded, truth.ImageIds);
        var result = DetectionEvaluator.Evaluate(detections, truth);
        TestContext.Out.WriteLine($"mAP@0.5 = {result.MeanAveragePrecision:F4} over {truth.BoxCount} boxes, {detections.Count} detections");
        Assert.That(result.MeanAveragePrecision, Is.GreaterThan(0.9));
    }
}
