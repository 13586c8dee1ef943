using static Repro.Torch.Native.LibTorch;
using static Repro.Torch.Native.NativeCheck;

namespace Repro.Torch.NN;

/// <summary>How a loss reduces over elements (values of at::Reduction).</summary>
public enum Reduction
{
    None = 0,
    Mean = 1,
    Sum = 2,
}

/// <summary>Stateless network functions, as <c>torch.nn.functional</c> (import as <c>F</c>).</summary>
public static unsafe class functional
{
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor? bias = null, long stride = 1, long padding = 0,
        long dilation = 1, long groups = 1)
    {
        long* s = stackalloc long[] { stride, stride };
        long* p = stackalloc long[] { padding, padding };
        long* d = stackalloc long[] { dilation, dilation };
        return Wrap(rt_conv2d(input, weight, bias, s, p, d, groups));
    }

    public static Tensor linear(Tensor input, Tensor weight, Tensor? bias = null) =>
        Wrap(rt_linear(input, weight, bias));

    /// <summary>
    /// Batch normalisation over N, H, W per channel. In training mode the batch statistics normalise and the
    /// running statistics (if given) move by momentum, in place; in eval mode the running statistics normalise.
    /// </summary>
    public static Tensor batch_norm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null,
        Tensor? bias = null, bool training = false, double momentum = 0.1, double eps = 1e-5) =>
        Wrap(rt_batch_norm(input, weight, bias,
            runningMean, runningVar, training ? 1 : 0, momentum, eps));

    /// <summary>
    /// Training-mode <see cref="batch_norm"/> followed by <see cref="leaky_relu"/>, as one op: a channels-last CPU input
    /// runs one fused kernel (two sweeps over the activation forward and two backward, instead of five and four),
    /// anything else the two ops; the result keeps the input's layout. The running statistics (if given) move by momentum, in place, as in
    /// <see cref="batch_norm"/>. Equal to the two ops up to float rounding; sums are taken in double.
    /// </summary>
    public static Tensor batch_norm_leaky_relu(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight,
        Tensor? bias, double momentum, double eps, double negativeSlope) =>
        Wrap(rt_batch_norm_leaky_relu(input, weight, bias, runningMean, runningVar, momentum, eps, negativeSlope));

    public static Tensor leaky_relu(Tensor input, double negativeSlope = 0.01) => Wrap(rt_leaky_relu(input, negativeSlope));

    /// <summary>Leaky ReLU overwriting its input, which must not be needed again by anyone (autograd included: the
    /// backward reads the output, whose sign is the input's for a positive slope). Returns the input.</summary>
    public static Tensor leaky_relu_(Tensor input, double negativeSlope = 0.01) => input.leaky_relu_(negativeSlope);

    public static Tensor relu(Tensor input) => input.relu();

    public static Tensor sigmoid(Tensor input) => input.sigmoid();

    public static Tensor softmax(Tensor input, long dim) => Wrap(rt_softmax(input, dim));

    public static Tensor log_softmax(Tensor input, long dim) => Wrap(rt_log_softmax(input, dim));

    public static Tensor max_pool2d(Tensor input, long kernelSize, long? stride = null, long padding = 0)
    {
        long* k = stackalloc long[] { kernelSize, kernelSize };
        var st = stride ?? kernelSize;
        long* s = stackalloc long[] { st, st };
        long* p = stackalloc long[] { padding, padding };
        return Wrap(rt_max_pool2d(input, k, s, p));
    }

    public static Tensor adaptive_avg_pool2d(Tensor input, long outputHeight, long outputWidth)
    {
        long* o = stackalloc long[] { outputHeight, outputWidth };
        return Wrap(rt_adaptive_avg_pool2d(input, o));
    }

    /// <summary>Nearest-neighbour resize of N×C×H×W to an explicit size.</summary>
    public static Tensor interpolate(Tensor input, long height, long width)
    {
        long* size = stackalloc long[] { height, width };
        return Wrap(rt_upsample_nearest2d(input, size));
    }

    /// <summary>Nearest-neighbour resize of N×C×H×W by an integer factor (darknet's [upsample]).</summary>
    public static Tensor interpolate(Tensor input, int scaleFactor)
    {
        var s = input.shape;
        return interpolate(input, s[2] * scaleFactor, s[3] * scaleFactor);
    }

    public static Tensor interpolate_bilinear(Tensor input, long height, long width, bool alignCorners = false)
    {
        long* size = stackalloc long[] { height, width };
        return Wrap(rt_upsample_bilinear2d(input, size, alignCorners ? 1 : 0));
    }

    public static Tensor binary_cross_entropy_with_logits(Tensor input, Tensor target, Tensor? weight = null,
        Tensor? posWeight = null, Reduction reduction = Reduction.Mean) =>
        Wrap(rt_bce_with_logits(input, target, weight, posWeight, (long)reduction));

    public static Tensor mse_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Wrap(rt_mse_loss(input, target, (long)reduction));

    /// <summary>Cross entropy of logits [N, C] against class indices [N] (int64).</summary>
    public static Tensor cross_entropy(Tensor input, Tensor target, Tensor? weight = null,
        Reduction reduction = Reduction.Mean, long ignoreIndex = -100) =>
        Wrap(rt_cross_entropy(input, target, weight, (long)reduction, ignoreIndex));

    /// <summary>
    /// Greedy non-maximum suppression (torchvision's <c>nms</c>): boxes [N, 4] as x1, y1, x2, y2 and scores [N];
    /// returns the indices kept, highest score first. A box is dropped when its IoU with a kept one exceeds the
    /// threshold.
    /// </summary>
    public static Tensor nms(Tensor boxes, Tensor scores, double iouThreshold) =>
        Wrap(rt_nms(boxes, scores, iouThreshold));

    /// <summary>
    /// NMS within each category only (torchvision's <c>batched_nms</c>): boxes of different categories are shifted
    /// apart by more than any box's extent, so one sweep never lets them suppress each other.
    /// </summary>
    public static Tensor batched_nms(Tensor boxes, Tensor scores, Tensor categories, double iouThreshold)
    {
        if (boxes.shape[0] == 0) return torch.empty([0], torch.int64, boxes.device);
        using var scope = torch.NewDisposeScope();
        using var maxCoordinate = boxes.max();
        var offsets = (categories.to(boxes.dtype) * (maxCoordinate + 1)).unsqueeze(1);
        var shifted = boxes + offsets;
        return nms(shifted, scores, iouThreshold).MoveToOuterDisposeScope();
    }
}
