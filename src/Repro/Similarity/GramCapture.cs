using Repro.Models;
using Repro.Torch;

namespace Repro.Similarity;

/// <summary>Settings of a Gram capture.</summary>
/// <param name="MemoryBudgetBytes">Bytes the capture may hold: Gram accumulators, statistics histograms, held
/// activations and the float64 product buffer. The network's own forward working set (batch-size dependent) and the
/// loaded image batch come on top.</param>
/// <param name="BatchSize">Images per forward.</param>
/// <param name="CollectStatistics">Also summarise every layer's activation values (<see cref="ActivationStatistics"/>).</param>
public sealed record GramCaptureOptions(long MemoryBudgetBytes = GramCaptureOptions.DefaultBudget, int BatchSize = 8, bool CollectStatistics = true)
{
    /// <summary>8 GiB: room for the network, the images and the OS on a 24 GiB machine.</summary>
    public const long DefaultBudget = 8L << 30;
}

/// <summary>What a capture did: its plan and the bytes it held at most (by its own accounting).</summary>
public sealed record CaptureReport(int Passes, int SplitLayers, long PeakHeldBytes, long MemoryBudgetBytes, long GramFloatOps);

/// <summary>
/// The result of a capture: uncentered Grams, optional statistics per layer and per image (over every captured
/// layer, in image order: what a bootstrap over images resamples), and the report.
/// </summary>
public sealed record CaptureResult(GramSet Grams, IReadOnlyDictionary<int, ActivationStatistics> Statistics, CaptureReport Report) : IDisposable
{
    public IReadOnlyList<ActivationStatistics> PerImage { get; init; } = [];

    public void Dispose() => Grams.Dispose();
}

/// <summary>
/// Builds, for every wanted layer, the Gram matrix K = X·Xᵀ (n × n, float64) of its flattened output X
/// (n × h·w·c) over an image set, without ever holding all layers' activations.
/// <para>
/// Method. A probe forward of one image gives every layer's width p. <see cref="CapturePlan"/> cuts the layers'
/// features into passes that fit the budget left after the Gram accumulators (L·n²·8 bytes), the statistics
/// histograms (512 KiB per layer and per image) and a float64 product buffer (an eighth of the rest). Each pass streams the n
/// images in batches through <see cref="ILayerwiseNetwork.ForwardLayers"/>, copying only the pass's feature slices
/// into n × width slabs (in the activations' dtype, on their device, carved from one block that every pass reuses:
/// <see cref="SlabArena"/>); after the pass every slab S adds S·Sᵀ to its
/// layer's Gram, converted to float64 a column block at a time. Since K = Σ over feature blocks of X_b·X_bᵀ, the
/// result is exact whatever the split; only the float64 summation order changes.
/// </para>
/// <para>
/// Cost. Passes = ⌈n · Σp · element size / slab budget⌉ forwards of all n images (each pass runs the network only up
/// to its last layer, so the passes over the early, wide layers cost a fraction of a forward), plus n²·Σp
/// multiply-adds in float64 (2·n²·Σp flops) regardless of the passes. YOLOv3 width 1 at 416×416 has Σp ≈ 55 M features per image; with n = 200 in float32 that is 44 GB of
/// activations, so the default 8 GiB budget needs 6 passes, and layer 0 alone (5.5 M features, 4.4 GB) fits one
/// pass. At 32×32 everything fits one pass. See docs/similarity.md.
/// </para>
/// </summary>
public static class GramCapture
{
    public static CaptureResult Capture(ILayerwiseNetwork network, ImageSet images, IReadOnlyList<int>? layers = null,
        GramCaptureOptions? options = null, IProgress<string>? progress = null)
    {
        options ??= new GramCaptureOptions();
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "batch size must be at least 1");
        var n = images.Count;
        if (n < 1) throw new ArgumentException("the image set is empty", nameof(images));
        var wanted = (layers ?? Enumerable.Range(0, network.LayerCount).ToList()).Distinct().Order().ToList();
        foreach (var layer in wanted)
            if (layer < 0 || layer >= network.LayerCount)
                throw new ArgumentOutOfRangeException(nameof(layers), layer, $"the network has layers 0 … {network.LayerCount - 1}");

        var shapes = ProbeLayers(network, images, wanted);
        var gramBytes = (long)wanted.Count * n * n * sizeof(double);
        var statsBytes = options.CollectStatistics ? (wanted.Count + n) * ActivationStatistics.FootprintBytes : 0;
        var free = options.MemoryBudgetBytes - gramBytes - statsBytes;
        if (free <= 0)
            throw new ArgumentException($"memory budget {options.MemoryBudgetBytes:N0} bytes is too small: the {wanted.Count} Gram matrices of {n} images " +
                                        $"need {gramBytes:N0} bytes{(statsBytes > 0 ? $" and the statistics {statsBytes:N0}" : "")}");
        var productBytes = Math.Max((long)n * sizeof(double), free / 8);
        var plan = CapturePlan.Create(wanted.Select(l => (l, shapes[l].Features, shapes[l].ElementBytes)).ToList(), n, free - productBytes);
        var productColumns = Math.Max(1, productBytes / ((long)n * sizeof(double)));

        var grams = new Dictionary<int, Tensor>();
        var arena = new SlabArena(plan.LargestPassBytes(n, l => shapes[l].ElementBytes));
        var statistics = options.CollectStatistics ? wanted.ToDictionary(l => l, _ => new ActivationStatistics()) : new Dictionary<int, ActivationStatistics>();
        var perImage = options.CollectStatistics ? Enumerable.Range(0, n).Select(_ => new ActivationStatistics()).ToList() : [];
        long peakSlabs = 0, peakProduct = 0;
        try
        {
            for (var pass = 0; pass < plan.Passes; pass++)
            {
                var slices = plan.PassSlices[pass];
                progress?.Report($"Gram capture pass {pass + 1}/{plan.Passes}: {slices.Count} slices of {slices.Select(s => s.Layer).Distinct().Count()} layers");
                var slabs = RunPass(network, images, slices, options.BatchSize, options.CollectStatistics ? (statistics, perImage) : null, shapes, arena);
                try
                {
                    peakSlabs = Math.Max(peakSlabs, slabs.Sum(s => s.Slab.numel() * shapes[s.Slice.Layer].ElementBytes));
                    foreach (var (slice, slab) in slabs)
                        peakProduct = Math.Max(peakProduct, AccumulateGram(grams, slice.Layer, slab, productColumns));
                }
                finally
                {
                    foreach (var (_, slab) in slabs) slab.Dispose();
                    arena.Reset();
                }
            }
            var result = new GramSet(grams.Select(g => KeyValuePair.Create(g.Key, MoveToCpu(g.Value))), isCentered: false);
            grams.Clear();
            var splitLayers = plan.PassSlices.SelectMany(p => p).Where(s => !s.IsWholeLayer).Select(s => s.Layer).Distinct().Count();
            var flops = 2L * n * n * wanted.Sum(l => shapes[l].Features);
            var report = new CaptureReport(plan.Passes, splitLayers, gramBytes + statsBytes + peakSlabs + peakProduct, options.MemoryBudgetBytes, flops);
            return new CaptureResult(result, statistics, report) { PerImage = perImage };
        }
        finally
        {
            foreach (var g in grams.Values) g.Dispose();
            arena.Dispose();
            // The shim's allocator keeps freed blocks for the next training step; the slabs' gigabytes are not that.
            torch.release_free_memory();
        }
    }

    private sealed record LayerShape(long Features, int ElementBytes);

    private static Dictionary<int, LayerShape> ProbeLayers(ILayerwiseNetwork network, ImageSet images, IReadOnlyList<int> wanted)
    {
        var shapes = new Dictionary<int, LayerShape>();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var one = images.LoadBatch(0, 1);
        network.ForwardLayers(one, (layer, output) =>
        {
            shapes[layer] = new LayerShape(output.numel() / output.size(0), ElementBytes(output.dtype, layer));
        }, wanted.ToHashSet());
        var missing = wanted.Where(l => !shapes.ContainsKey(l)).ToList();
        if (missing.Count > 0) throw new InvalidOperationException($"the network reported no output for layers {string.Join(", ", missing)}");
        return shapes;
    }

    private static List<(FeatureSlice Slice, Tensor Slab)> RunPass(ILayerwiseNetwork network, ImageSet images, IReadOnlyList<FeatureSlice> slices,
        int batchSize, (Dictionary<int, ActivationStatistics> PerLayer, List<ActivationStatistics> PerImage)? statistics, Dictionary<int, LayerShape> shapes, SlabArena arena)
    {
        var n = images.Count;
        var slabs = new Tensor?[slices.Count];
        var byLayer = slices.Select((s, i) => (s, i)).GroupBy(x => x.s.Layer).ToDictionary(g => g.Key, g => g.ToList());
        try
        {
            for (var start = 0; start < n; start += batchSize)
            {
                var count = Math.Min(batchSize, n - start);
                using var scope = torch.NewDisposeScope();
                using var noGrad = torch.no_grad();
                var batch = images.LoadBatch(start, count);
                if (batch.size(0) != count) throw new InvalidOperationException($"image batch at {start} has {batch.size(0)} images, {count} were asked for");
                network.ForwardLayers(batch, (layer, output) =>
                {
                    if (!byLayer.TryGetValue(layer, out var pieces)) return;
                    using var inner = torch.NewDisposeScope();
                    var flat = output.reshape(count, -1);
                    if (flat.size(1) != shapes[layer].Features)
                        throw new InvalidOperationException($"layer {layer} gave {flat.size(1)} features per image for images {start}…{start + count - 1}, the probe gave {shapes[layer].Features}");
                    foreach (var (slice, index) in pieces)
                    {
                        if (slice.Start == 0 && statistics is { } kept)
                        {
                            kept.PerLayer[layer].Add(flat);
                            for (var i = 0; i < count; i++) kept.PerImage[start + i].Add(flat[i]);
                        }
                        slabs[index] ??= arena.Take(n, slice.Count, output.dtype, output.device, shapes[layer].ElementBytes);
                        slabs[index]!.narrow(0, start, count).copy_(flat.narrow(1, slice.Start, slice.Count));
                    }
                }, byLayer.Keys.ToHashSet());
            }
            var missing = slices.Where((_, i) => slabs[i] is null).Select(s => s.Layer).Distinct().ToList();
            if (missing.Count > 0) throw new InvalidOperationException($"the network reported no output for layers {string.Join(", ", missing)}");
            return slices.Select((s, i) => (s, slabs[i]!)).ToList();
        }
        catch
        {
            foreach (var s in slabs) s?.Dispose();
            throw;
        }
    }

    /// <summary>K[layer] += S·Sᵀ in float64, a block of columns at a time; returns the block buffer's bytes.</summary>
    private static long AccumulateGram(Dictionary<int, Tensor> grams, int layer, Tensor slab, long productColumns)
    {
        var n = slab.size(0);
        var width = slab.size(1);
        if (!grams.TryGetValue(layer, out var gram))
            grams[layer] = gram = torch.zeros([n, n], ScalarType.Float64, slab.device).DetachFromDisposeScope();
        long largest = 0;
        for (long c = 0; c < width; c += productColumns)
        {
            using var scope = torch.NewDisposeScope();
            var columns = Math.Min(productColumns, width - c);
            var block = slab.narrow(1, c, columns).to(ScalarType.Float64);
            gram.add_(block.matmul(block.t()));
            largest = Math.Max(largest, slab.dtype == ScalarType.Float64 ? 0 : n * columns * sizeof(double));
        }
        return largest;
    }

    private static Tensor MoveToCpu(Tensor gram)
    {
        if (gram.device.Type == DeviceType.CPU) return gram;
        var cpu = gram.cpu().DetachFromDisposeScope();
        gram.Dispose();
        return cpu;
    }

    private static int ElementBytes(ScalarType dtype, int layer) => dtype switch
    {
        ScalarType.Float32 => 4,
        ScalarType.Float64 => 8,
        ScalarType.Float16 => 2,
        _ => throw new InvalidOperationException($"layer {layer} outputs {dtype}; Gram capture needs floating-point activations"),
    };
}
