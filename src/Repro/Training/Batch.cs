using Repro.Data;
using Repro.Torch;

namespace Repro.Training;

/// <summary>
/// Images N × 3 × H × W in [0, 1] with each image's boxes in input pixels. The trainer disposes a batch once it
/// has used it.
/// </summary>
public sealed class Batch(Tensor images, IReadOnlyList<IReadOnlyList<BoundingBox>> targets) : IDisposable
{
    public Tensor Images { get; } = images;
    public IReadOnlyList<IReadOnlyList<BoundingBox>> Targets { get; } = targets;

    public void Dispose() => Images.Dispose();
}
