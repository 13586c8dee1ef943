using Repro.Data;
using Repro.Models;
using Repro.Torch;
using F = Repro.Torch.NN.functional;

namespace Repro.Evaluation;

/// <summary>How raw outputs become detections.</summary>
/// <param name="ConfidenceThreshold">Keep (box, class) pairs with objectness · class probability above this; 0.001
/// for mAP (low, so the whole precision–recall curve is seen).</param>
/// <param name="NmsIouThreshold">Within a class, a box overlapping a higher-scored kept box by more than this is
/// dropped.</param>
/// <param name="MaxCandidatesPerImage">At most this many highest-scored pairs per image go into NMS. NMS compares
/// every pair, and an untrained network passes almost every one of its N·A·G²·C pairs at 0.001; the cap bounds
/// that cost (NMS is quadratic: 4000 candidates took ≈ 0.6 s per image on 2 CPU cores, 1000 about 1/16 of that) and,
/// once the network is trained, only drops pairs far down the ranking, where they barely move AP.</param>
public sealed record DecodeOptions(double ConfidenceThreshold = 0.001, double NmsIouThreshold = 0.5, int MaxCandidatesPerImage = 1000);

/// <summary>
/// Decoded predictions to detections, as darknet does for mAP: per predictor and class, score = objectness · class
/// probability (a predictor may yield boxes of several classes), kept above the confidence threshold, then
/// per-class NMS per image. Boxes are in input pixels: mapping them back to the original image (letterbox or
/// resize) is the data pipeline's business.
/// </summary>
public static class YoloDecoder
{
    /// <summary>Detections from raw outputs (decoded first, as an eval-mode forward pass would).</summary>
    public static IReadOnlyList<Detection> Decode(IReadOnlyList<Tensor> outputs, IReadOnlyList<YoloHeadSpec> heads,
        int inputWidth, int inputHeight, IReadOnlyList<string> imageIds, DecodeOptions? options = null)
    {
        using var decoded = DecodedPredictions.Decode(outputs, heads, inputWidth, inputHeight);
        return Decode(decoded, imageIds, options);
    }

    /// <summary>Detections from the predictions an eval-mode forward pass decoded (<see cref="DetectorOutput.Decoded"/>).</summary>
    public static IReadOnlyList<Detection> Decode(DecodedPredictions predictions, IReadOnlyList<string> imageIds, DecodeOptions? options = null)
    {
        options ??= new DecodeOptions();
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var boxes = predictions.Boxes.to(torch.float32, Device.CPU);
        var scores = (predictions.Objectness.unsqueeze(-1) * predictions.ClassProbabilities).to(torch.float32, Device.CPU);
        var (batch, classCount) = (scores.shape[0], scores.shape[2]);
        if (classCount > CommonClasses.Count)
            throw new ArgumentException($"the predictions have {classCount} classes, more than the {CommonClasses.Count} common classes", nameof(predictions));
        if (imageIds.Count != batch) throw new ArgumentException($"{imageIds.Count} image ids for a batch of {batch}", nameof(imageIds));

        var result = new List<Detection>();
        for (var i = 0; i < batch; i++)
        {
            using var imageScope = torch.NewDisposeScope();
            var flat = scores[i].flatten();
            var candidates = flat.gt(options.ConfidenceThreshold).nonzero().squeeze(1);
            var values = flat.index_select(0, candidates);
            if (candidates.shape[0] > options.MaxCandidatesPerImage)
            {
                var (top, at) = values.topk(options.MaxCandidatesPerImage);
                (values, candidates) = (top, candidates.index_select(0, at));
            }
            if (candidates.shape[0] == 0) continue;

            var pair = candidates.ToArray<long>();
            var boxIndex = pair.Select(k => k / classCount).ToArray();
            var classIndex = pair.Select(k => k % classCount).ToArray();
            var candidateBoxes = boxes[i].index_select(0, torch.tensor(boxIndex));
            var kept = F.batched_nms(candidateBoxes, values, torch.tensor(classIndex), options.NmsIouThreshold).ToArray<long>();

            var xyxy = candidateBoxes.contiguous().ToArray<float>();
            var score = values.contiguous().ToArray<float>();
            foreach (var k in kept)
            {
                var box = new BoundingBox((CommonClass)classIndex[k], xyxy[4 * k], xyxy[4 * k + 1], xyxy[4 * k + 2], xyxy[4 * k + 3]);
                result.Add(new Detection(imageIds[i], box, score[k]));
            }
        }
        return result;
    }
}
