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
/// Raw YOLO outputs to detections, as darknet does for mAP: per predictor and class, score = sigmoid(objectness) ·
/// sigmoid(class logit) (a predictor may yield boxes of several classes); boxes decoded by
/// <see cref="YoloBoxes.Decode"/> and clipped to the input; per-class NMS per image. Boxes are in input pixels:
/// mapping them back to the original image (letterbox or resize) is the data pipeline's business.
/// </summary>
public static class YoloDecoder
{
    public static IReadOnlyList<Detection> Decode(IReadOnlyList<Tensor> outputs, IReadOnlyList<YoloHeadSpec> heads,
        int inputWidth, int inputHeight, IReadOnlyList<string> imageIds, DecodeOptions? options = null)
    {
        options ??= new DecodeOptions();
        if (outputs.Count != heads.Count) throw new ArgumentException($"{outputs.Count} outputs for {heads.Count} heads", nameof(outputs));
        if (heads.Any(h => h.Classes > CommonClasses.Count))
            throw new ArgumentException($"a head predicts more than the {CommonClasses.Count} common classes", nameof(heads));
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();

        var boxParts = new List<Tensor>();
        var scoreParts = new List<Tensor>();
        for (var h = 0; h < heads.Count; h++)
        {
            var p = YoloBoxes.Rearrange(outputs[h].detach(), heads[h], h);
            var n = p.shape[0];
            boxParts.Add(YoloBoxes.Decode(p, heads[h], inputWidth, inputHeight).reshape(n, -1, 4));
            var objectness = p.narrow(-1, 4, 1).sigmoid();
            var classes = p.narrow(-1, 5, heads[h].Classes).sigmoid();
            scoreParts.Add((objectness * classes).reshape(n, -1, heads[h].Classes));
        }
        var boxes = Clip(torch.cat(boxParts, 1), inputWidth, inputHeight).to(torch.float32, Device.CPU);
        var scores = torch.cat(scoreParts, 1).to(torch.float32, Device.CPU);
        var (batch, classCount) = (scores.shape[0], scores.shape[2]);
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

    private static Tensor Clip(Tensor boxes, int width, int height) =>
        torch.stack([
            boxes.select(-1, 0).clamp(0, width), boxes.select(-1, 1).clamp(0, height),
            boxes.select(-1, 2).clamp(0, width), boxes.select(-1, 3).clamp(0, height),
        ], -1);
}
