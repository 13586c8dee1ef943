using Repro.Torch;
using Repro.Torch.NN;

namespace Repro.Models.Darknet.Layers;

/// <summary>
/// One darknet layer as a module (parameter-free kinds too, so freezing and train/eval reach every layer alike).
/// </summary>
internal abstract class DarknetLayer(int index) : Module
{
    public int Index { get; } = index;

    /// <summary>
    /// Computes this layer's output. <paramref name="previous"/> is layer Index − 1's output (the images for layer
    /// 0), null when this kind does not read it; <paramref name="outputs"/> holds the earlier outputs it references.
    /// Returns a new tensor handle the caller owns.
    /// </summary>
    public abstract Tensor Forward(Tensor? previous, IReadOnlyList<Tensor?> outputs);

    protected static Tensor Activate(Tensor x, Activation activation) =>
        activation == Activation.Leaky ? functional.leaky_relu(x, 0.1) : x.alias();

    protected static Tensor Output(IReadOnlyList<Tensor?> outputs, int index) =>
        outputs[index] ?? throw new InvalidOperationException($"layer {index}'s output was released before a later layer read it");
}

/// <summary>A layer whose parameters a darknet weights file stores, in the file's order.</summary>
internal interface IDarknetWeighted
{
    /// <summary>The tensors in darknet's order: [bn beta, gamma, running mean, running var] or [bias], then the kernel.</summary>
    IReadOnlyList<Tensor> WeightsInFileOrder { get; }
}
