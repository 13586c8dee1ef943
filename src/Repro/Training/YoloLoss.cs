using Repro.Data;
using Repro.Evaluation;
using Repro.Models;
using Repro.Torch;
using F = Repro.Torch.NN.functional;
using Reduction = Repro.Torch.NN.Reduction;

namespace Repro.Training;

/// <summary>
/// The loss of one batch, per component (each a 0-dim tensor, summed over the batch and divided by the number of
/// images), so training can log them apart. <see cref="Total"/> carries the gradient.
/// </summary>
public sealed class LossComponents(Tensor box, Tensor objectness, Tensor @class, Tensor total) : IDisposable
{
    public Tensor Box { get; } = box;
    public Tensor Objectness { get; } = objectness;
    public Tensor Class { get; } = @class;
    public Tensor Total { get; } = total;

    /// <summary>The four values (box, objectness, class, total) fetched in one device round trip.</summary>
    public double[] Values()
    {
        using var stacked = torch.stack([Box.detach(), Objectness.detach(), Class.detach(), Total.detach()]);
        using var asDouble = stacked.@double();
        return asDouble.ToArray<double>();
    }

    public void Dispose()
    {
        Box.Dispose();
        Objectness.Dispose();
        Class.Dispose();
        Total.Dispose();
    }
}

/// <summary>
/// The YOLOv3 loss, as darknet's yolo layer computes it.
/// <list type="bullet">
/// <item>Assignment: each ground-truth box is learned by one predictor, the anchor of best shape IoU across all
/// scales in the cell holding the box centre (<see cref="AnchorAssignment"/>). When two boxes of an image land on
/// the same predictor the later one wins, as in darknet.</item>
/// <item>Objectness: BCE with logits, target 1 at assigned predictors and 0 elsewhere, except that a predictor
/// whose decoded box overlaps some ground-truth box of its image by more than the head's ignore threshold is not
/// penalised as background (weight 0) unless it is assigned.</item>
/// <item>Class: BCE with logits against the one-hot class at assigned predictors (independent sigmoids, no
/// softmax, as YOLOv3).</item>
/// <item>Box: squared error on the YOLOv3 paper's parameterisation — sigmoid(tx), sigmoid(ty) against the centre's
/// offset in its cell, tw, th against log(size / anchor) — weighted per box by 2 − w·h / (W·H) as darknet does, so
/// small boxes count more. We chose this over GIoU because it is the paper's loss (the study reproduces YOLOv3 as
/// published), its gradients are simple and well-scaled at every IoU including zero overlap, and it leaves the
/// objectness/class balance as darknet tuned it.</item>
/// </list>
/// Each component is summed over predictors and divided by the batch size, so values are per image and do not
/// depend on how a set is split into batches.
/// Targets are built on the CPU with loops over the (few) boxes; everything over the (many) predictions is one
/// set of tensor operations per scale on the outputs' device.
/// </summary>
public sealed class YoloLoss
{
    public YoloLoss(IReadOnlyList<YoloHeadSpec> heads)
    {
        if (heads.Count == 0) throw new ArgumentException("a YOLO loss needs at least one head", nameof(heads));
        var classes = heads[0].Classes;
        if (heads.Any(h => h.Classes != classes)) throw new ArgumentException("all heads must predict the same classes", nameof(heads));
        Heads = heads;
    }

    public IReadOnlyList<YoloHeadSpec> Heads { get; }

    /// <summary>
    /// The loss of raw outputs (one per head, N × (A·(5 + C)) × G × G, as <see cref="IDetector.Forward"/> gives
    /// them) against the boxes of each image, in input pixels of an input of the given size.
    /// </summary>
    public LossComponents Compute(IReadOnlyList<Tensor> outputs, IReadOnlyList<IReadOnlyList<BoundingBox>> targets,
        int inputWidth, int inputHeight)
    {
        if (outputs.Count != Heads.Count) throw new ArgumentException($"{outputs.Count} outputs for {Heads.Count} heads", nameof(outputs));
        var batch = outputs[0].shape[0];
        if (targets.Count != batch) throw new ArgumentException($"{targets.Count} target lists for a batch of {batch} images", nameof(targets));

        using var scope = torch.NewDisposeScope();
        var rearranged = new Tensor[Heads.Count];
        var grids = new (int Width, int Height)[Heads.Count];
        for (var h = 0; h < Heads.Count; h++)
        {
            rearranged[h] = YoloBoxes.Rearrange(outputs[h], Heads[h], h);
            var shape = rearranged[h].shape;
            if (shape[0] != batch) throw new ArgumentException($"output of head {h} has batch {shape[0]}, head 0 has {batch}", nameof(outputs));
            grids[h] = ((int)shape[3], (int)shape[2]);
        }

        var assigned = Assign(targets, grids, inputWidth, inputHeight);
        var dtype = outputs[0].dtype;
        var device = outputs[0].device;
        var truthBoxes = PaddedTruth(targets, dtype, device);

        Tensor? box = null, objectness = null, @class = null;
        for (var h = 0; h < Heads.Count; h++)
        {
            var (b, o, c) = HeadLoss(rearranged[h], Heads[h], assigned[h], truthBoxes, inputWidth, inputHeight);
            box = box is null ? b : box + b;
            objectness = objectness is null ? o : objectness + o;
            @class = @class is null ? c : @class + c;
        }
        box = box! / batch;
        objectness = objectness! / batch;
        @class = @class! / batch;
        var total = box + objectness + @class;
        return new LossComponents(box.MoveToOuterDisposeScope(), objectness.MoveToOuterDisposeScope(),
            @class.MoveToOuterDisposeScope(), total.MoveToOuterDisposeScope());
    }

    /// <summary>A positive predictor with its targets: image, anchor, cell, then the regression and class targets.</summary>
    private readonly record struct Positive(int Image, AnchorMatch Match, int Class, double BoxWeight);

    /// <summary>Assigned predictors per head; a later box replaces an earlier one on the same predictor.</summary>
    private List<Positive>[] Assign(IReadOnlyList<IReadOnlyList<BoundingBox>> targets, (int Width, int Height)[] grids,
        int inputWidth, int inputHeight)
    {
        var perHead = new Dictionary<(int Image, int Anchor, int X, int Y), Positive>[Heads.Count];
        for (var h = 0; h < Heads.Count; h++) perHead[h] = new();
        var classes = Heads[0].Classes;
        for (var image = 0; image < targets.Count; image++)
            for (var i = 0; i < targets[image].Count; i++)
            {
                var box = targets[image][i];
                Validate(box, image, i, classes, inputWidth, inputHeight);
                var match = AnchorAssignment.Assign(box, Heads, grids, inputWidth, inputHeight);
                var weight = 2 - (double)box.Width * box.Height / ((double)inputWidth * inputHeight);
                perHead[match.Head][(image, match.Anchor, match.CellX, match.CellY)] = new Positive(image, match, (int)box.Class, weight);
            }
        return perHead.Select(d => d.Values.ToList()).ToArray();
    }

    private static void Validate(BoundingBox box, int image, int index, int classes, int inputWidth, int inputHeight)
    {
        string? problem = null;
        if (!float.IsFinite(box.X1) || !float.IsFinite(box.Y1) || !float.IsFinite(box.X2) || !float.IsFinite(box.Y2)) problem = "has a non-finite coordinate";
        else if (box.Width <= 0 || box.Height <= 0) problem = "is empty (x2 ≤ x1 or y2 ≤ y1)";
        else if ((int)box.Class < 0 || (int)box.Class >= classes) problem = $"has class {(int)box.Class}, the detector has {classes}";
        else
        {
            var (cx, cy) = ((box.X1 + box.X2) / 2.0, (box.Y1 + box.Y2) / 2.0);
            if (cx < 0 || cy < 0 || cx > inputWidth || cy > inputHeight) problem = $"has its centre outside the {inputWidth}×{inputHeight} input";
        }
        if (problem is not null)
            throw new ArgumentException($"target box {index} of image {image} ({box}) {problem}");
    }

    /// <summary>Every image's boxes as N × K × 4 (K = most boxes in one image, at least 1), padded with empty boxes.</summary>
    private static Tensor PaddedTruth(IReadOnlyList<IReadOnlyList<BoundingBox>> targets, Repro.Torch.ScalarType dtype, Device device)
    {
        var k = Math.Max(1, targets.Max(t => t.Count));
        var data = new double[targets.Count * k * 4];
        for (var image = 0; image < targets.Count; image++)
            for (var i = 0; i < targets[image].Count; i++)
            {
                var b = targets[image][i];
                var at = (image * k + i) * 4;
                (data[at], data[at + 1], data[at + 2], data[at + 3]) = (b.X1, b.Y1, b.X2, b.Y2);
            }
        using var cpu = torch.tensor(data, targets.Count, k, 4);
        return cpu.to(dtype, device);
    }

    private static (Tensor Box, Tensor Objectness, Tensor Class) HeadLoss(Tensor p, YoloHeadSpec head, List<Positive> positives,
        Tensor truthBoxes, int inputWidth, int inputHeight)
    {
        var shape = p.shape; // N A Gh Gw (5+C)
        var (n, anchors, gridH, gridW, classes) = (shape[0], shape[1], shape[2], shape[3], head.Classes);
        var dtype = p.dtype;
        var device = p.device;

        // Predictions that already overlap a ground-truth box well are not pushed towards background.
        Tensor ignored;
        using (torch.no_grad())
        {
            var predicted = YoloBoxes.Decode(p.detach(), head, inputWidth, inputHeight).view(n, -1, 4);
            var bestIou = BoxIou.Pairwise(predicted, truthBoxes).amax([-1]);
            ignored = bestIou.gt(head.IgnoreThreshold).view(n, anchors, gridH, gridW);
        }

        var objectnessTarget = torch.zeros([n, anchors, gridH, gridW], dtype, device);
        var objectnessWeight = torch.ones([n, anchors, gridH, gridW], dtype, device).masked_fill(ignored, 0);
        var objectnessLogits = p.select(-1, 4);

        if (positives.Count == 0)
        {
            var noObjects = F.binary_cross_entropy_with_logits(objectnessLogits, objectnessTarget, objectnessWeight, reduction: Reduction.Sum);
            var zero = torch.zeros([], dtype, device);
            return (zero, noObjects, zero.clone());
        }

        var count = positives.Count;
        var (imageIndex, anchorIndex, cellY, cellX) = (new long[count], new long[count], new long[count], new long[count]);
        var regression = new double[count * 4];
        var boxWeight = new double[count];
        var oneHot = new double[count * classes];
        for (var i = 0; i < count; i++)
        {
            var (image, m, cls, weight) = positives[i];
            (imageIndex[i], anchorIndex[i], cellY[i], cellX[i]) = (image, m.Anchor, m.CellY, m.CellX);
            (regression[4 * i], regression[4 * i + 1], regression[4 * i + 2], regression[4 * i + 3]) = (m.OffsetX, m.OffsetY, m.LogWidth, m.LogHeight);
            boxWeight[i] = weight;
            oneHot[i * classes + cls] = 1;
        }
        Tensor[] at = [OnDevice(imageIndex, device), OnDevice(anchorIndex, device), OnDevice(cellY, device), OnDevice(cellX, device)];
        var regressionTarget = Target(regression, dtype, device, count, 4);
        var weightTarget = Target(boxWeight, dtype, device, count, 1);
        var classTarget = Target(oneHot, dtype, device, count, classes);

        using (torch.no_grad())
        {
            objectnessTarget.index_put_(at, torch.ones([count], dtype, device));
            objectnessWeight.index_put_(at, torch.ones([count], dtype, device));
        }
        var objectness = F.binary_cross_entropy_with_logits(objectnessLogits, objectnessTarget, objectnessWeight, reduction: Reduction.Sum);

        var assigned = p.index(at); // P × (5 + C)
        var centre = assigned.narrow(1, 0, 2).sigmoid();
        var size = assigned.narrow(1, 2, 2);
        var regressionPrediction = torch.cat([centre, size], 1);
        var box = ((regressionPrediction - regressionTarget).square() * weightTarget).sum();
        var @class = F.binary_cross_entropy_with_logits(assigned.narrow(1, 5, classes), classTarget, reduction: Reduction.Sum);
        return (box, objectness, @class);
    }

    private static Tensor OnDevice(long[] values, Device device)
    {
        using var cpu = torch.tensor(values);
        return cpu.to(device);
    }

    private static Tensor Target(double[] values, Repro.Torch.ScalarType dtype, Device device, long rows, long columns)
    {
        using var cpu = torch.tensor(values, rows, columns);
        return cpu.to(dtype, device);
    }
}
