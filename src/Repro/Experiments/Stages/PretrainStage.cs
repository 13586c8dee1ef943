using System.Diagnostics;
using System.Globalization;
using Repro.Data.Loading;
using Repro.Data.Pretraining;
using Repro.Models.Darknet;
using Repro.Torch;
using Repro.Torch.IO;
using Repro.Torch.Optim;
using F = Repro.Torch.NN.functional;

namespace Repro.Experiments.Stages;

/// <summary>
/// Backbone pre-training, the stand-in for ImageNet: the Darknet-53 classifier (layers 0–74, global average pool,
/// a linear layer) trained on the pre-training set, written as a darknet weights file of layers 0–74 — the same
/// kind of file as darknet53.conv.74, which a profile can name instead (then one task, pretrain, only checks it).
/// Like any classifier pre-training it warms up and then follows a cosine to the end, and mirrors half of every
/// batch: a backbone that only half-learned its classes (11 % held-out accuracy at ci once) gives a frozen-backbone
/// detector nothing to build on.
/// One pre-training per seed (pretrain/seedS; pretrain.perSeed, the default), shared by that seed's three detectors:
/// a seed is a replicate of everything random after the data, the backbone included. With one pre-training for all
/// seeds, F-Synthetic's seeds (whose backbone stays frozen) moved together — their mAPs correlated 0.86 within a run —
/// so a study's seed mean varied almost as much as one seed, and no number of seeds could narrow its tolerance
/// (docs/snapshots.md). Within a seed the three models still start from the same backbone, as the paper's three start
/// from ImageNet's.
/// </summary>
public sealed class PretrainStage : Stage
{
    public const string WeightsFile = "darknet53.conv.74";

    public override string Name => StudyNetworks.PretrainStageName;
    public override IReadOnlyList<string> DependsOn => ["data"];
    public override StageCode Code => new("pretrain.8", [.. StageCode.DataPrimitives, "Data/Pretraining", "Data/Loading", "Models", "Training/LearningRateSchedule.cs", "Training/EpochTiming.cs", "Experiments/Stages/PretrainStage.cs"]);

    /// <summary>
    /// The task that makes the backbone of a seed's detectors: pretrain/seedS, or pretrain when the profile gives the
    /// backbone or asks for one pre-training for all seeds (pretrain.perSeed false).
    /// </summary>
    public static string TaskId(Profile profile, int seed) =>
        profile.Model.BackboneWeights is null && profile.Pretrain.PerSeed ? $"{StudyNetworks.PretrainStageName}/seed{seed}" : StudyNetworks.PretrainStageName;

    public override IReadOnlyList<StudyTask> Tasks(StudyContext context)
    {
        var profile = context.Profile;
        if (profile.Model.BackboneWeights is not null)
            return [new StageTask(Name, Name, ["data"], new { GivenBackbone = true }, () => [new("model.backboneWeights", StudyNetworks.GivenBackbone(context)!)], "cpu",
                _ => context.Progress.Log($"using the given backbone {profile.Model.BackboneWeights}; no pre-training"))];
        IReadOnlyList<ExternalInput> Cfg() => [new("model.classifierCfg", context.ResolvePath(profile.Model.ClassifierCfg, "model.classifierCfg"))];
        if (!profile.Pretrain.PerSeed)
            return [new StageTask(Name, Name, ["data"], new { profile.Pretrain, profile.Model.Width, profile.Data.PretrainSet }, Cfg, context.DeviceKind, c => Run(c, 0))];
        return profile.Seeds.Distinct().Select(seed => (StudyTask)new StageTask(Name, TaskId(profile, seed), ["data"],
            new { profile.Pretrain, profile.Model.Width, profile.Data.PretrainSet, Seed = seed }, Cfg, context.DeviceKind, c => Run(c, seed))).ToList();
    }

    /// <summary>
    /// The classifier's initialisation and batch order come from the pre-training set's seed and the study's seed:
    /// seed 0 pre-trains exactly as the one shared pre-training does (pretrain.perSeed false).
    /// </summary>
    public static int TrainingSeed(Profile profile, int seed) => (profile.Data.PretrainSet?.Seed ?? 0) + 1000 * seed;

    private static void Run(StudyContext context, int studySeed)
    {
        var dir = context.TaskDir(TaskId(context.Profile, studySeed));
        var settings = context.Profile.Pretrain;
        var set = PretrainingSet.Read(Path.Combine(context.StageDir("data"), "pretrain"));
        var size = context.Profile.Data.PretrainSet?.Size ?? 32;
        var seed = TrainingSeed(context.Profile, studySeed);
        var label = context.Profile.Pretrain.PerSeed ? $"pretrain seed {studySeed}" : "pretrain";
        var device = context.Device;
        var cfg = CfgParser.ParseFile(context.ResolvePath(context.Profile.Model.ClassifierCfg, "model.classifierCfg"))
            .With(new ModelOverrides(set.Classes.Count, context.Profile.Model.Width, size));
        using var network = DarknetNetwork.Build(cfg, seed, device);
        var classifierLayer = network.LayerCount - 2; // [connected] before [softmax]: cross entropy takes logits

        // Every 10th image is held out to report accuracy on images the classifier did not see.
        var (images, labels) = Load(set, size);
        using var _i = images;
        using var _l = labels;
        var n = images.shape[0];
        var heldOut = Enumerable.Range(0, (int)n).Where(i => i % 10 == 0).Select(i => (long)i).ToArray();
        var trainIdx = Enumerable.Range(0, (int)n).Where(i => i % 10 != 0).Select(i => (long)i).ToArray();

        using var optimizer = new Adam(network.trainable_parameters(), settings.LearningRate);
        var schedule = new Training.LearningRateSchedule(settings.LearningRate, WarmupEpochs: 1, Cosine: true);
        using var reversed = torch.tensor(Enumerable.Range(0, size).Reverse().Select(i => (long)i).ToArray());
        var rows = new List<string> { "epoch,train_loss,train_accuracy,held_out_accuracy" };
        var timings = new List<Training.EpochTiming>();
        for (var epoch = 1; epoch <= settings.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            network.train();
            using var generator = new Generator(seed * 1000 + epoch);
            using var order = torch.randperm(trainIdx.Length, generator);
            var perm = order.ToArray<long>().Select(i => trainIdx[i]).ToArray();
            double lossSum = 0, correct = 0;
            for (var start = 0; start < perm.Length; start += settings.Batch)
            {
                using var scope = torch.NewDisposeScope();
                var idx = torch.tensor(perm[start..Math.Min(start + settings.Batch, perm.Length)]);
                var x = Mirrored(images.index_select(0, idx), reversed, generator).to(device);
                var y = labels.index_select(0, idx).to(device);
                optimizer.LearningRate = schedule.At(epoch - 1 + (double)start / perm.Length, settings.Epochs);
                optimizer.zero_grad();
                var logits = network.ForwardTo(x, classifierLayer);
                var loss = F.cross_entropy(logits, y);
                var value = loss.item();
                if (!double.IsFinite(value)) throw new InvalidOperationException($"pre-training diverged: loss {value} at epoch {epoch}, batch {start / settings.Batch}");
                loss.backward();
                optimizer.step();
                lossSum += value * idx.shape[0];
                correct += logits.argmax(1).eq(y).sum().item();
                context.Progress.Report($"{label} epoch {epoch}/{settings.Epochs}", start / settings.Batch + 1, (perm.Length + settings.Batch - 1) / settings.Batch,
                    $"loss {lossSum / (start + idx.shape[0]):F3}");
            }
            var trainSeconds = clock.Elapsed.TotalSeconds;
            var heldOutAccuracy = Accuracy(network, classifierLayer, images, labels, heldOut, device, settings.Batch);
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"{epoch},{lossSum / perm.Length:F6},{correct / perm.Length:F4},{heldOutAccuracy:F4}"));
            timings.Add(new Training.EpochTiming(epoch, perm.Length / Math.Max(trainSeconds, 1e-9), clock.Elapsed.TotalSeconds));
            context.Progress.Log($"{label} epoch {epoch}: loss {lossSum / perm.Length:F4}, held-out accuracy {heldOutAccuracy:P1} ({set.Classes.Count} classes)");
        }
        AtomicFile.WriteAllText(Path.Combine(dir, "metrics.csv"), string.Join("\n", rows) + "\n");
        Training.TimingsCsv.Write(Path.Combine(dir, Training.TimingsCsv.FileName), timings);
        DarknetWeights.Save(Path.Combine(dir, WeightsFile), network, DarknetWeights.BackboneCutoff);
    }

    /// <summary>Every image of the batch mirrored left–right with probability ½ (the generator fixes which).</summary>
    private static Tensor Mirrored(Tensor batch, Tensor reversedColumns, Generator generator)
    {
        using var flipped = batch.index_select(3, reversedColumns);
        using var coin = torch.rand([batch.shape[0], 1, 1, 1], generator);
        using var mirror = coin.lt(0.5);
        return torch.where(mirror, flipped, batch);
    }

    private static (Tensor Images, Tensor Labels) Load(PretrainingSet set, int size)
    {
        var pixels = new float[set.Images.Count * 3 * size * size];
        for (var i = 0; i < set.Images.Count; i++)
        {
            using var image = Torch.Image.Read(set.Images[i].Path);
            Letterbox.Apply(image, size, pixels.AsSpan(i * 3 * size * size, 3 * size * size));
        }
        return (torch.tensor(pixels, set.Images.Count, 3, size, size), torch.tensor(set.Images.Select(i => (long)i.Label).ToArray()));
    }

    private static double Accuracy(DarknetNetwork network, int layer, Tensor images, Tensor labels, long[] indices, Device device, int batch)
    {
        network.eval();
        using var _ = torch.no_grad();
        double correct = 0;
        for (var start = 0; start < indices.Length; start += batch)
        {
            using var scope = torch.NewDisposeScope();
            var idx = torch.tensor(indices[start..Math.Min(start + batch, indices.Length)]);
            var logits = network.ForwardTo(images.index_select(0, idx).to(device), layer);
            correct += logits.argmax(1).eq(labels.index_select(0, idx).to(device)).sum().item();
        }
        return correct / Math.Max(1, indices.Length);
    }
}
