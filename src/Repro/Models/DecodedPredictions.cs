using Repro.Torch;

namespace Repro.Models;

/// <summary>
/// Every predictor of every head, decoded: P = Σ A·Gh·Gw predictors per image, heads in order, then anchors, rows,
/// columns. No threshold or NMS has been applied: that is the evaluator's business (<c>YoloDecoder</c>).
/// </summary>
public sealed class DecodedPredictions(Tensor boxes, Tensor objectness, Tensor classProbabilities) : IDisposable
{
    /// <summary>N × P × 4: x1, y1, x2, y2 in input pixels, clipped to the input.</summary>
    public Tensor Boxes { get; } = boxes;

    /// <summary>N × P: sigmoid of the objectness logit.</summary>
    public Tensor Objectness { get; } = objectness;

    /// <summary>N × P × C: independent sigmoids of the class logits (YOLOv3 has no softmax).</summary>
    public Tensor ClassProbabilities { get; } = classProbabilities;

    /// <summary>Decodes raw outputs (see <see cref="YoloBoxes"/> for the geometry), without gradients.</summary>
    public static DecodedPredictions Decode(IReadOnlyList<Tensor> raw, IReadOnlyList<YoloHeadSpec> heads, int inputWidth, int inputHeight)
    {
        if (raw.Count != heads.Count) throw new ArgumentException($"{raw.Count} outputs for {heads.Count} heads", nameof(raw));
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var (boxes, objectness, classes) = (new List<Tensor>(), new List<Tensor>(), new List<Tensor>());
        for (var h = 0; h < heads.Count; h++)
        {
            var p = YoloBoxes.Rearrange(raw[h].detach(), heads[h], h);
            var n = p.shape[0];
            boxes.Add(YoloBoxes.Decode(p, heads[h], inputWidth, inputHeight).reshape(n, -1, 4));
            objectness.Add(p.select(-1, 4).sigmoid().reshape(n, -1));
            classes.Add(p.narrow(-1, 5, heads[h].Classes).sigmoid().reshape(n, -1, heads[h].Classes));
        }
        var all = torch.cat(boxes, 1);
        var clipped = torch.stack([
            all.select(-1, 0).clamp(0, inputWidth), all.select(-1, 1).clamp(0, inputHeight),
            all.select(-1, 2).clamp(0, inputWidth), all.select(-1, 3).clamp(0, inputHeight),
        ], -1);
        return new DecodedPredictions(clipped.MoveToOuterDisposeScope(), torch.cat(objectness, 1).MoveToOuterDisposeScope(),
            torch.cat(classes, 1).MoveToOuterDisposeScope());
    }

    public void Dispose()
    {
        Boxes.Dispose();
        Objectness.Dispose();
        ClassProbabilities.Dispose();
    }
}
