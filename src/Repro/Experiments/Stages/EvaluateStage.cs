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
/// profile's IoU, all-point AP, mAP over the five classes. Detections are kept as CSV for re-scoring.
/// </summary>
public sealed class EvaluateStage : Stage
{
    public const string MapTable = "map.csv";

    public override string Name => "evaluate";
    public override IReadOnlyList<string> DependsOn => ["data", "train"];

    public override object Settings(Profile profile) => profile.Evaluation;

    public override void Run(StudyContext context)
    {
        var dir = context.StageDir(Name);
        var device = context.Device;
        var size = context.Profile.Model.InputSize;
        var settings = context.Profile.Evaluation;
        var tests = new[] { DataStage.Real, DataStage.Synthetic }
            .ToDictionary(d => d, d => DatasetIndex.Read(context.StageDir("data"), d)[SplitName.Test]);
        var rows = new List<string> { "model,seed,test_set,map" };
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
