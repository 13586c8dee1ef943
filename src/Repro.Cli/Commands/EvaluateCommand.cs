using System.CommandLine;
using System.Globalization;
using Repro.Data;
using Repro.Evaluation;
using Spectre.Console;

namespace Repro.Cli.Commands;

/// <summary>
/// <c>repro evaluate</c>: mAP@IoU of a detections CSV against a ground-truth CSV, without the model (re-scoring).
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var detections = new Option<FileInfo>("--detections") { Description = "Detections CSV: image_id,class,score,x1,y1,x2,y2", Required = true };
        var truth = new Option<FileInfo>("--ground-truth") { Description = "Ground-truth CSV: image_id,class,x1,y1,x2,y2 (an image without objects: a row with only image_id)", Required = true };
        var iou = new Option<double>("--iou") { Description = "IoU at which a detection matches a ground-truth box", DefaultValueFactory = _ => 0.5 };
        var interpolation = new Option<string>("--interpolation") { Description = "AP interpolation: all (default, area under the precision envelope), 11 (VOC 2007) or 101 (COCO)", DefaultValueFactory = _ => "all" };
        interpolation.AcceptOnlyFromAmong("all", "11", "101");
        var output = new Option<FileInfo?>("--output") { Description = "Write the per-class result CSV here" };

        var command = new Command("evaluate", "Score detections against ground truth: per-class AP, precision, recall and mAP.");
        foreach (var o in new Option[] { detections, truth, iou, interpolation, output }) command.Options.Add(o);
        command.SetAction(parseResult =>
        {
            var detectionsPath = parseResult.GetValue(detections)!.FullName;
            List<long> lines = [];
            try
            {
                var groundTruth = GroundTruthCsv.Read(parseResult.GetValue(truth)!.FullName);
                var detected = DetectionCsv.Read(detectionsPath, out lines);
                var options = new EvaluationOptions(parseResult.GetValue(iou), Interpolations.Parse(parseResult.GetValue(interpolation)!));
                var result = DetectionEvaluator.Evaluate(detected, groundTruth, options);
                Render(result, groundTruth, detected.Count);
                if (parseResult.GetValue(output) is { } file)
                {
                    EvaluationResultCsv.Write(file.FullName, result);
                    AnsiConsole.MarkupLine($"wrote [bold]{Markup.Escape(file.FullName)}[/]");
                }
                return 0;
            }
            catch (UnknownImageException e)
            {
                Fail($"{detectionsPath}: line {lines[e.DetectionIndex]}: image '{e.ImageId}' is not in the ground truth");
                return 1;
            }
            catch (Exception e) when (e is InvalidDataException or FileNotFoundException or ArgumentException)
            {
                Fail(e.Message);
                return 1;
            }
        });
        return command;
    }

    private static void Fail(string message) => AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");

    private static string Format(double? value) => value?.ToString("F4", CultureInfo.InvariantCulture) ?? "–";

    private static void Render(EvaluationResult result, GroundTruth truth, int detections)
    {
        AnsiConsole.MarkupLine($"{truth.ImageCount} images, {truth.BoxCount} ground-truth boxes, {detections} detections; " +
                               $"IoU ≥ {result.IouThreshold.ToString(CultureInfo.InvariantCulture)}, {result.Interpolation.Name()}-point AP");
        var table = new Table().AddColumns("class", "GT", "detections", "TP", "AP", "precision", "recall");
        foreach (var r in result.Classes)
            table.AddRow(r.Class.Name(), r.GroundTruthCount.ToString(CultureInfo.InvariantCulture), r.DetectionCount.ToString(CultureInfo.InvariantCulture),
                r.TruePositives.ToString(CultureInfo.InvariantCulture), Format(r.AveragePrecision), Format(r.Precision), Format(r.Recall));
        table.AddRow("[bold]mAP[/]", "", "", "", $"[bold]{Format(result.MeanAveragePrecision)}[/]", "", "");
        AnsiConsole.Write(table);
        if (result.MeanAveragePrecision is null) AnsiConsole.MarkupLine("[yellow]no class has ground truth: mAP is undefined[/]");
    }
}
