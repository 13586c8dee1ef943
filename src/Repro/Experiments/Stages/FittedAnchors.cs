using System.Globalization;
using Repro.Data.Loading;
using Repro.Data.Reading;
using Repro.Torch.IO;
using Repro.Training;

namespace Repro.Experiments.Stages;

/// <summary>
/// The anchors of a profile with <c>model.anchors: "fitted"</c>: k-means (<see cref="AnchorFitting"/>) on the boxes of
/// both training sets as the detector sees them (letterboxed to the input size), one set for every model so the
/// three models stay comparable layer by layer. The task train/anchors writes them; every task that builds a detector reads them.
/// </summary>
internal static class FittedAnchors
{
    public const string FileName = "anchors.txt";

    public static string PathIn(StudyContext context) => Path.Combine(context.TaskDir(TrainStage.AnchorsTaskId), FileName);

    public static (IReadOnlyList<(float Width, float Height)> Anchors, double MeanBestIou) Write(StudyContext context, IEnumerable<IReadOnlyList<LabeledImage>> trainingSets)
    {
        var size = context.Profile.Model.InputSize;
        var shapes = (from set in trainingSets
                      from image in set
                      let t = LetterboxTransform.For(image.Width, image.Height, size)
                      from box in image.Boxes
                      let b = t.Forward(box)
                      select ((double)b.Width, (double)b.Height)).ToList();
        var cfgAnchors = CfgAnchorCount(context);
        var anchors = AnchorFitting.Fit(shapes, cfgAnchors);
        AtomicFile.WriteAllText(PathIn(context),
            string.Join(",  ", anchors.Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Width},{a.Height}"))) + "\n");
        return (anchors, AnchorFitting.MeanBestIou(shapes, anchors));
    }

    /// <summary>The anchors as darknet lists them ("w,h,  w,h, …"); an error names the file when it is missing or malformed.</summary>
    public static IReadOnlyList<(float Width, float Height)> Read(StudyContext context)
    {
        var path = PathIn(context);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing: the profile fits its anchors in the task train/anchors; run it first", path);
        var numbers = File.ReadAllText(path).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (numbers.Length % 2 != 0 || numbers.Length == 0) throw new InvalidDataException($"{path}: expected 'w,h' pairs, got {numbers.Length} numbers");
        var values = numbers.Select(n => float.TryParse(n, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0
            ? v : throw new InvalidDataException($"{path}: '{n}' is not a positive number")).ToArray();
        return Enumerable.Range(0, values.Length / 2).Select(i => (values[2 * i], values[2 * i + 1])).ToList();
    }

    private static int CfgAnchorCount(StudyContext context) =>
        Models.Darknet.CfgParser.ParseFile(context.ResolvePath(context.Profile.Model.Cfg, "model.cfg")).Layers
            .OfType<Models.Darknet.YoloSpec>().First().Anchors.Count;
}
