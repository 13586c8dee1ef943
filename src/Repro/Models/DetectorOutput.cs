using Repro.Torch;

namespace Repro.Models;

/// <summary>
/// What a detector's forward pass gives. <see cref="Raw"/> is always there: the per-scale predictions the loss
/// reads, in training and in validation alike. In eval mode they can also be had decoded (<see cref="Decoded"/>), as
/// darknet's and PyTorch-YOLOv3's detectors give them at inference; in training mode they cannot.
/// Disposing the output disposes every tensor in it.
/// </summary>
public sealed class DetectorOutput : IDisposable
{
    private readonly IReadOnlyList<YoloHeadSpec> heads;
    private readonly (int Width, int Height) input;
    private DecodedPredictions? decoded;

    private DetectorOutput(IReadOnlyList<Tensor> raw, IReadOnlyList<YoloHeadSpec> heads, (int, int) input, bool canDecode) =>
        (Raw, this.heads, this.input, CanDecode) = (raw, heads, input, canDecode && heads.Count > 0);

    /// <summary>One tensor per head, N × (A·(5 + C)) × G × G, in the order of <see cref="IDetector.Heads"/>.</summary>
    public IReadOnlyList<Tensor> Raw { get; }

    /// <summary>Whether the pass ran in eval mode, so <see cref="Decoded"/> may be asked for.</summary>
    public bool CanDecode { get; }

    /// <summary>
    /// Every predictor's box and scores, decoded on first use (a validation loss or a layer capture never asks, and
    /// decoding is a few percent of a small model's forward); an error in training mode.
    /// </summary>
    public DecodedPredictions Decoded => decoded ??= CanDecode
        ? Owned(DecodedPredictions.Decode(Raw, heads, input.Width, input.Height))
        : throw new InvalidOperationException("the forward pass ran in training mode: decoded predictions come with eval()");

    // The decoded tensors belong to this output, which disposes them, not to whatever dispose scope is open at the
    // first use: a narrower one would dispose them under the cache, and the next use would read freed tensors.
    private static DecodedPredictions Owned(DecodedPredictions d)
    {
        d.Boxes.DetachFromDisposeScope();
        d.Objectness.DetachFromDisposeScope();
        d.ClassProbabilities.DetachFromDisposeScope();
        return d;
    }

    /// <summary>The output of a pass over <paramref name="heads"/>' raw predictions; decodable when
    /// <paramref name="decodable"/> (eval mode).</summary>
    public static DetectorOutput Of(IReadOnlyList<Tensor> raw, IReadOnlyList<YoloHeadSpec> heads, int inputWidth, int inputHeight, bool decodable) =>
        new(raw, heads, (inputWidth, inputHeight), decodable);

    public void Dispose()
    {
        foreach (var t in Raw) t.Dispose();
        decoded?.Dispose();
    }
}
