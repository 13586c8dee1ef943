using System.Globalization;
using Repro.Data;
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
/// run on bootstrap resamples of the test images (map-replicates.csv) gives the mAP claims their intervals. Each class's
/// AP is a table of its own (ap-per-class.csv): a bug that costs one class (its labels lost, two classes swapped) moves
/// mAP by a fifth of that class's loss, inside the seed-to-seed noise, but its own AP by all of it.
/// </summary>
public sealed class EvaluateStage : Stage
{
    public const string MapTable = "map.csv";
    public const string MapReplicatesTable = "map-replicates.csv";
    public const string ApPerClassTable = "ap-per-class.csv";

    public override string Name => "evaluate";
    public override IReadOnlyList<string> DependsOn => ["data", "train"];
    public override StageCode Code => new("evaluate.6", [.. StageCode.DataPrimitives, .. StageCode.DatasetLoading, .. StageCode.Detectors, "Evaluation", "Reporting/Tables", "Experiments/Stages/EvaluateStage.cs"]);

    private static readonly string[] TestSets = [DataStage.Real, DataStage.Synthetic];

    public static string TaskId(ModelRun run) => $"evaluate/{run.Folder}";

    /// <summary>
    /// One task per trained model (evaluate/MODEL-seedS: its detections and ground truth on both test sets, on the
    /// profile's device), and one (evaluate) that scores them all: map.csv and the joint bootstrap replicates.
    /// </summary>
    public override IReadOnlyList<StudyTask> Tasks(StudyContext context)
    {
        var profile = context.Profile;
        var runs = ModelRun.All(profile).ToList();
        var tasks = runs.Select(run => (StudyTask)new StageTask(Name, TaskId(run), ["data", TrainStage.TaskId(run), .. TrainStage.AnchorNeeds(profile)],
            new
            {
                run.Model, run.Seed, profile.Model.Width, profile.Model.InputSize, profile.Evaluation.Confidence, profile.Evaluation.NmsIou, profile.Evaluation.Iou,
                Examples = run.Seed == profile.Seeds[0],
            },
            () => StudyNetworks.DetectorInputs(context, withBackbone: false), context.DeviceKind, c => Detect(c, run))).ToList();
        tasks.Add(new StageTask(Name, Name, runs.Select(TaskId).ToList(), new { profile.Evaluation, profile.Seeds }, () => [], "cpu", Score));
        return tasks;
    }

    private static string DetectionsFile(string testSet) => $"{testSet}.detections.csv";
    private static string GroundTruthFile(string testSet) => $"{testSet}.ground-truth.csv";

    /// <summary>The run's detections on both test sets, the ground truth they are matched against, and its scores.</summary>
    private static void Detect(StudyContext context, ModelRun run)
    {
        var dir = context.TaskDir(TaskId(run));
        var device = context.Device;
        var size = context.Profile.Model.InputSize;
        var settings = context.Profile.Evaluation;
        using var network = DarknetNetwork.Build(StudyNetworks.DetectorCfg(context), run.Seed, device);
        Checkpoint.LoadWeights(StudyNetworks.TrainedWeights(context, run), network);
        network.eval();
        foreach (var testSet in TestSets)
        {
            var images = DatasetIndex.Read(context, testSet)[SplitName.Test];
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
                    var found = YoloDecoder.Decode(output.Decoded, ids, new DecodeOptions(settings.Confidence, Mutants.Mutants.Is(Mutants.Mutants.NmsIou) ? 0.7 : settings.NmsIou));
                    detections.AddRange(found);
                    for (var i = 0; i < ids.Count; i++) truth.Add(ids[i], batch.Boxes[i]);
                    if (done == 0 && run.Seed == context.Profile.Seeds[0]) DrawExamples(dir, testSet, batch, found);
                }
                done += batch.Count;
                context.Progress.Report($"evaluate {run} on {testSet}", done, images.Count);
            }
            var result = DetectionEvaluator.Evaluate(detections, truth, new EvaluationOptions(settings.Iou));
            DetectionCsv.Write(Path.Combine(dir, DetectionsFile(testSet)), detections);
            GroundTruthCsv.Write(Path.Combine(dir, GroundTruthFile(testSet)), truth);
            EvaluationResultCsv.Write(Path.Combine(dir, $"{testSet}.csv"), result);
            context.Progress.Log($"{run} on {testSet}: mAP@{settings.Iou:0.##} = {result.MeanAveragePrecision ?? double.NaN:F4}");
        }
    }

    /// <summary>
    /// Table 2 from every run's detections (read back bit-exactly: the same numbers as scoring in memory), each class's
    /// AP, and the bootstrap replicates, drawn jointly over all runs.
    /// </summary>
    private static void Score(StudyContext context)
    {
        var dir = context.StageDir("evaluate");
        var settings = context.Profile.Evaluation;
        var rows = new List<string> { "model,seed,test_set,map" };
        var perClass = new List<string> { "model,seed,test_set,class,ap" };
        var scored = new List<(ModelRun Run, string TestSet, ImageWeightedMap Map)>();
        foreach (var run in ModelRun.All(context.Profile))
            foreach (var testSet in TestSets)
            {
                var runDir = context.TaskDir(TaskId(run));
                var detections = DetectionCsv.Read(Path.Combine(runDir, DetectionsFile(testSet)));
                var truth = GroundTruthCsv.Read(Path.Combine(runDir, GroundTruthFile(testSet)));
                var result = DetectionEvaluator.Evaluate(detections, truth, new EvaluationOptions(settings.Iou));
                scored.Add((run, testSet, new ImageWeightedMap(detections, truth, new EvaluationOptions(settings.Iou))));
                rows.Add(string.Create(CultureInfo.InvariantCulture, $"{run.Model},{run.Seed},{testSet},{result.MeanAveragePrecision ?? double.NaN:F6}"));
                perClass.AddRange(result.Classes.Select(c =>
                    string.Create(CultureInfo.InvariantCulture, $"{run.Model},{run.Seed},{testSet},{c.Class.Name()},{c.AveragePrecision ?? double.NaN:F6}")));
            }
        AtomicFile.WriteAllText(Path.Combine(dir, MapTable), string.Join("\n", rows) + "\n");
        AtomicFile.WriteAllText(Path.Combine(dir, ApPerClassTable), string.Join("\n", perClass) + "\n");
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
    private static void DrawExamples(string dir, string testSet, Data.Loading.Batch batch, IReadOnlyList<Detection> found)
    {
        for (var i = 0; i < Math.Min(4, batch.Count); i++)
        {
            var id = batch.Sources[i].Id;
            using var picture = DetectionPicture.Draw(batch.Images[i], batch.Boxes[i], found.Where(d => d.ImageId == id));
            Image.Write(Path.Combine(dir, "examples", $"{testSet}-{i}.png"), picture);
        }
    }
}
