using Repro.Torch.IO;
using Repro.Training;

namespace Repro.Experiments.Stages;

/// <summary>
/// Detectors trained earlier, taken instead of training (model.trainedWeights): FOLDER/MODEL-seedS/ holds what a
/// train task wrote (best.tensors, metrics.csv), and FOLDER/anchors.txt the anchors they were trained with. Each train
/// task copies its run's files, so evaluation, analysis, plots and the report run exactly as on weights trained in
/// place; the files are external inputs, fingerprinted by content. Everything downstream of fixed weights is
/// deterministic up to float rounding, which is what the golden profile checks to within about 1e-6.
/// </summary>
internal static class GivenWeights
{
    /// <summary>What a train task leaves that its readers use; the checkpoint and timings are the run's bookkeeping.</summary>
    public static readonly IReadOnlyList<string> Files = [Trainer.BestWeightsFile, Trainer.MetricsFile];

    public static StudyTask Task(StudyContext context, ModelRun run, string folder)
    {
        var profile = context.Profile;
        return new StageTask("train", TrainStage.TaskId(run), TrainStage.AnchorNeeds(profile),
            new { run.Model, run.Seed, profile.Model.Width, profile.Model.InputSize, profile.Model.Anchors, Given = true },
            () => Inputs(context, run, folder), "cpu", c => Copy(c, run, folder));
    }

    private static string Root(StudyContext context, string folder) => context.ResolvePath(folder, "model.trainedWeights");

    private static IReadOnlyList<ExternalInput> Inputs(StudyContext context, ModelRun run, string folder)
    {
        var root = Root(context, folder);
        var inputs = Files.Select(f => new ExternalInput($"model.trainedWeights:{run.Folder}/{f}", Existing(Path.Combine(root, run.Folder, f)))).ToList();
        if (context.Profile.Model.Anchors == "fitted")
            inputs.Add(new ExternalInput("model.trainedWeights:anchors", Existing(Path.Combine(root, FittedAnchors.FileName))));
        return inputs;
    }

    private static string Existing(string path) => File.Exists(path)
        ? path
        : throw new FileNotFoundException($"model.trainedWeights: {path} is missing (export the detectors with: repro study export-detectors)", path);

    private static void Copy(StudyContext context, ModelRun run, string folder)
    {
        var root = Root(context, folder);
        if (context.Profile.Model.Anchors == "fitted")
        {
            // The weights only mean what they meant with the anchors they were trained with: data that fits other
            // anchors (a changed generator, say) needs a new export, not a silent evaluation under the wrong boxes.
            var (given, fitted) = (File.ReadAllText(Existing(Path.Combine(root, FittedAnchors.FileName))).Trim(), File.ReadAllText(FittedAnchors.PathIn(context)).Trim());
            if (given != fitted)
                throw new InvalidDataException($"{Path.Combine(root, FittedAnchors.FileName)}: the detectors were trained with anchors {given}, but this " +
                                               $"profile's data fits {fitted} ({FittedAnchors.PathIn(context)}): the data changed since they were exported; train and export them again");
        }
        var dir = context.TaskDir(TrainStage.TaskId(run));
        foreach (var file in Files) File.Copy(Existing(Path.Combine(root, run.Folder, file)), Path.Combine(dir, file), overwrite: true);
        context.Progress.Log($"{run}: trained weights taken from {Path.Combine(root, run.Folder)}");
    }

    /// <summary>
    /// Writes the trained detectors of some seeds of a finished study into a folder that model.trainedWeights can
    /// name: each run's files and the anchors. Refuses when a training it needs is not up to date.
    /// </summary>
    public static IReadOnlyList<string> Export(StudyPlan plan, IReadOnlyList<int> seeds, string folder)
    {
        var context = plan.Context;
        var missing = seeds.Where(s => !context.Profile.Seeds.Contains(s)).ToList();
        if (missing.Count > 0) throw new ArgumentException($"profile '{context.Profile.Name}' has no seed {string.Join(", ", missing)} (seeds: {string.Join(", ", context.Profile.Seeds)})");
        var runs = ModelRun.All(context.Profile).Where(r => seeds.Contains(r.Seed)).ToList();
        var tasks = runs.Select(r => TrainStage.TaskId(r)).Concat(TrainStage.AnchorNeeds(context.Profile)).ToList();
        var stale = tasks.Select(t => (Task: t, Why: plan.WhyStale(plan.Task(t)))).Where(t => t.Why is not null).ToList();
        if (stale.Count > 0)
            throw new InvalidOperationException($"cannot export: {string.Join("; ", stale.Select(s => $"{s.Task} is not up to date ({s.Why})"))}");
        var written = new List<string>();
        void CopyFile(string from, string to)
        {
            AtomicFile.WriteAllBytes(to, File.ReadAllBytes(from));
            written.Add(to);
        }
        foreach (var run in runs)
        {
            Directory.CreateDirectory(Path.Combine(folder, run.Folder));
            foreach (var file in Files) CopyFile(Path.Combine(context.TaskDir(TrainStage.TaskId(run)), file), Path.Combine(folder, run.Folder, file));
        }
        if (context.Profile.Model.Anchors == "fitted") CopyFile(FittedAnchors.PathIn(context), Path.Combine(folder, FittedAnchors.FileName));
        return written;
    }
}
