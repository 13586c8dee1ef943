namespace Repro.Similarity;

/// <summary>A run of a layer's flattened features, [Start, Start + Count), held for all n images in one pass.</summary>
public readonly record struct FeatureSlice(int Layer, long Start, long Count, long LayerFeatures)
{
    public bool IsWholeLayer => Start == 0 && Count == LayerFeatures;
}

/// <summary>
/// How a Gram capture fits a memory budget: the features of every wanted layer, laid end to end in layer order, are
/// cut into passes whose held activations (n × features × element size) fill the slab budget. A layer that fits
/// the room left in a pass goes in whole; otherwise it is split across consecutive passes (feature chunks). Each
/// pass reruns the forward over all n images, so the cost is <see cref="Passes"/> forwards of the image set plus one
/// n × n × p float64 product per layer in total (the products do not grow with the number of passes).
/// </summary>
public sealed class CapturePlan
{
    private CapturePlan(IReadOnlyList<IReadOnlyList<FeatureSlice>> passes, long slabBudgetBytes)
    {
        PassSlices = passes;
        SlabBudgetBytes = slabBudgetBytes;
    }

    public IReadOnlyList<IReadOnlyList<FeatureSlice>> PassSlices { get; }

    public int Passes => PassSlices.Count;

    public long SlabBudgetBytes { get; }

    /// <summary>Packs layers (index, features per image, bytes per element) for n images into passes of at most
    /// <paramref name="slabBudgetBytes"/> held bytes each.</summary>
    public static CapturePlan Create(IReadOnlyList<(int Layer, long Features, int ElementBytes)> layers, int examples, long slabBudgetBytes)
    {
        if (examples < 1) throw new ArgumentOutOfRangeException(nameof(examples), examples, "at least one example");
        var widest = layers.Count == 0 ? 1 : layers.Max(l => l.ElementBytes);
        if (slabBudgetBytes < (long)examples * widest)
            throw new ArgumentException($"the memory left for activations ({slabBudgetBytes:N0} bytes) cannot hold even one feature of {examples} images; raise the memory budget");
        var passes = new List<IReadOnlyList<FeatureSlice>>();
        var current = new List<FeatureSlice>();
        var room = slabBudgetBytes;
        foreach (var (layer, features, elementBytes) in layers)
        {
            if (features < 1) throw new ArgumentException($"layer {layer} has no features");
            var bytesPerFeature = (long)examples * elementBytes;
            long start = 0;
            while (start < features)
            {
                var fit = room / bytesPerFeature;
                if (fit == 0)
                {
                    passes.Add(current);
                    current = [];
                    room = slabBudgetBytes;
                    continue;
                }
                var take = Math.Min(fit, features - start);
                current.Add(new FeatureSlice(layer, start, take, features));
                room -= take * bytesPerFeature;
                start += take;
            }
        }
        if (current.Count > 0) passes.Add(current);
        return new CapturePlan(passes, slabBudgetBytes);
    }

    /// <summary>Bytes held by the largest pass (n × slice width × element size, summed).</summary>
    public long LargestPassBytes(int examples, Func<int, int> elementBytesOfLayer) =>
        PassSlices.Count == 0 ? 0 : PassSlices.Max(p => p.Sum(s => s.Count * examples * elementBytesOfLayer(s.Layer)));
}
