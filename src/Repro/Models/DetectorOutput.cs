using Repro.Torch;

namespace Repro.Models;

/// <summary>
/// What a detector's forward pass gives. <see cref="Raw"/> is always there: the per-scale predictions the loss
/// reads, in training and in validation alike. In eval mode the pass also decodes them (<see cref="Decoded"/>), as
/// darknet's and PyTorch-YOLOv3's detectors do at inference; in training mode it does not.
/// Disposing the output disposes every tensor in it.
/// </summary>
public sealed class DetectorOutput(IReadOnlyList<Tensor> raw, DecodedPredictions? decoded) : IDisposable
{
    /// <summary>One tensor per head, N × (A·(5 + C)) × G × G, in the order of <see cref="IDetector.Heads"/>.</summary>
    public IReadOnlyList<Tensor> Raw { get; } = raw;

    public bool IsDecoded => decoded is not null;

    /// <summary>Every predictor's box and scores; an error in training mode, where nothing is decoded.</summary>
    public DecodedPredictions Decoded =>
        decoded ?? throw new InvalidOperationException("the forward pass ran in training mode: decoded predictions come with eval()");

    /// <summary>The output of a pass over <paramref name="heads"/>' raw predictions, decoded when
    /// <paramref name="decode"/> (eval mode).</summary>
    public static DetectorOutput Of(IReadOnlyList<Tensor> raw, IReadOnlyList<YoloHeadSpec> heads, int inputWidth, int inputHeight, bool decode) =>
        new(raw, decode && heads.Count > 0 ? DecodedPredictions.Decode(raw, heads, inputWidth, inputHeight) : null);

    public void Dispose()
    {
        foreach (var t in Raw) t.Dispose();
        decoded?.Dispose();
    }
}
