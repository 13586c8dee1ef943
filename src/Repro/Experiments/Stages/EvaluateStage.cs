using System.Globalization;
using Repro.Data.Loading;
using Repro.Data.Splitting;
using Repro.Evaluation;
using Repro.Models.Darknet;
using Repro.Torch;
using Repro.Torch.IO;
using Repro.Training;

namespace Repro.Experiments.Stages;

/// <summary>
/// Scores every trained model on both test sets (the paper's Table 2): decode, per-class NMS, VOC matching at the
/// profile's IoU, all-point AP, mAP over the five classes. Detections are kept as CSV for re-scoring, and mAP of every
/// run on bootstrap resamples of the test images (map-replicates.csv) gives the mAP claims their intervals.
/// </summary>
public sealed class EvaluateStage : Stage
{
    public const string MapTable = "map.csv";
    public const string MapReplicatesTable = "map-replicates.csv";

    public override string Name => "evaluate";
    public override IReadOnlyList<string> DependsOn => ["data", "train"];
    public override StageCode Code => new("evaluate.1", [.. StageCode.DataPrimitives, .. StageCode.DatasetLoading, .. StageCode.Detectors, "Evaluation", "Reporting/Tables", "Experiments/Stages/EvaluateStage.cs"]);

    public override object Settings(Profile profile) => new { profile.Evaluation, profile.Model.Width, profile.Model.InputSize, profile.Seeds };

    public override IReadOnlyList<ExternalInput> ExternalInputs(StudyContext context) => StudyNetworks.DetectorInputs(context, withBackbone: false);

    public override void Run(StudyContext context)
    {
        var dir = context.StageDir(Name);
        var device = context.Device;
        var size = context.Profile.Model.InputSize;
        var settings = context.Profile.Evaluation;
        var tests = new[] { DataStage.Real, DataStage.Synthetic }
            .ToDictionary(d => d, d => DatasetIndex.Read(context.StageDir("data"), d)[SplitName.Test]);
        var rows = new List<string> { "model,seed,test_set,map" };
        var scored = new List<(ModelRun Run, string TestSet, ImageWeightedMap Map)>();
        foreach (var run in ModelRun.All(context.Profile))
        {
            using var network = DarknetNetwork.Build(StudyNetworks.DetectorCfg(context), run.Seed, device);
            Checkpoint.LoadWeights(StudyNetworks.TrainedWeights(context, run), network);
            network.eval();
            foreach (var (testSet, images) in tests)
            {
                var detections = new List<Detection>();
                var truth = new GroundTruth();
                var loader = new BatchLoader(images, new BatchLoaderOptions { ImageSize = size, BatchSize = 8, Shuffle = false });
                var done = 0;
                foreach (var batch in loader.Epoch(0))
                {
                    using (batch)
                    using (torch.NewDisposeScope())
                    using (torch.no_grad())
                    {
                        var ids = batch.Sources.Select(s => s.Id).ToList();
                        using var output = network.Forward(batch.Images.to(device));
                        var found = YoloDecoder.Decode(output.Decoded, ids, new DecodeOptions(settings.Confidence, settings.NmsIou));
                        detections.AddRange(found);
                        for (var i = 0; i < ids.Count; i++) truth.Add(ids[i], batch.Boxes[i]);
                        if (done == 0 && run.Seed == context.Profile.Seeds[0]) DrawExamples(dir, $"{run.Folder}-on-{testSet}", batch, found);
                    }
                    done += batch.Count;
                    context.Progress.Report($"evaluate {run} on {testSet}", done, images.Count);
                }
                var result = DetectionEvaluator.Evaluate(detections, truth, new EvaluationOptions(settings.Iou));
                scored.Add((run, testSet, new ImageWeightedMap(detections, truth, new EvaluationOptions(settings.Iou))));
                var name = $"{run.Folder}-on-{testSet}";
                DetectionCsv.Write(Path.Combine(dir, $"{name}.detections.csv"), detections);
                GroundTruthCsv.Write(Path.Combine(dir, $"{testSet}.ground-truth.csv"), truth);
                EvaluationResultCsv.Write(Path.Combine(dir, $"{name}.csv"), result);
                var map = result.MeanAveragePrecision ?? double.NaN;
                rows.Add(string.Create(CultureInfo.InvariantCulture, $"{run.Model},{run.Seed},{testSet},{map:F6}"));
                context.Progress.Log($"{run} on {testSet}: mAP@{settings.Iou:0.##} = {map:F4}");
            }
        }
        AtomicFile.WriteAllText(Path.Combine(dir, MapTable), string.Join("\n", rows) + "\n");
        WriteReplicates(Path.Combine(dir, MapReplicatesTable), scored, settings.Bootstrap, settings.BootstrapSeed);
    }

    /// <summary>
    /// mAP of every run on bootstrap resamples of each test set's images: replicate r draws the same images for every
    /// model and seed (one seeded draw per test set), so differences between models are resampled jointly.
    /// </summary>
    private static void WriteReplicates(string path, IReadOnlyList<(ModelRun Run, string TestSet, ImageWeightedMap Map)> scored, int replicates, int seed)
    {
        var lines = new List<string> { "replicate,model,seed,test_set,map" };
        foreach (var testSet in scored.Select(s => s.TestSet).Distinct())
        {
            var runs = scored.Where(s => s.TestSet == testSet).ToList();
            var n = runs[0].Map.ImageIds.Count;
            var random = new Random(seed);
            for (var r = 0; r < replicates; r++)
            {
                var weights = new double[n];
                for (var i = 0; i < n; i++) weights[random.Next(n)]++;
                foreach (var (run, _, map) in runs)
                    lines.Add(string.Create(CultureInfo.InvariantCulture, $"{r},{run.Model},{run.Seed},{testSet},{map.Map(weights) ?? double.NaN:F6}"));
            }
        }
        AtomicFile.WriteAllText(path, string.Join("\n", lines) + "\n");
    }

    /// <summary>The first images of a test set with ground truth (green) and detections (red), for eyeballing.</summary>
    private static void DrawExamples(string dir, string name, Data.Loading.Batch batch, IReadOnlyList<Detection> found)
    {
        for (var i = 0; i < Math.Min(4, batch.Count); i++)
        {
            var id = batch.Sources[i].Id;
            using var picture = DetectionPicture.Draw(batch.Images[i], batch.Boxes[i], found.Where(d => d.ImageId == id));
            Image.Write(Path.Combine(dir, "examples", $"{name}-{i}.png"), picture);
        }
    }
}
