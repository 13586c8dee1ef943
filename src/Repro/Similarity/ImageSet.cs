using Repro.Torch;

namespace Repro.Similarity;

/// <summary>
/// The n images a layer analysis runs over, in a fixed order (row i of every Gram is image i), loaded a batch at a
/// time: <c>LoadBatch(start, count)</c> returns count × 3 × H × W floats in [0, 1] that the caller of LoadBatch
/// disposes. A capture that needs several passes loads every batch once per pass.
/// </summary>
/// <param name="Ids">One id per image (file name or dataset key), used to key caches; same order as the rows.</param>
public sealed record ImageSet(IReadOnlyList<string> Ids, Func<int, int, Tensor> LoadBatch)
{
    public int Count => Ids.Count;

    /// <summary>Images already in memory as one n × 3 × H × W tensor (kept alive by the caller).</summary>
    public static ImageSet FromTensor(Tensor images, IReadOnlyList<string> ids)
    {
        if (images.size(0) != ids.Count) throw new ArgumentException($"{images.size(0)} images but {ids.Count} ids");
        return new ImageSet(ids, (start, count) => images.narrow(0, start, count));
    }
}
