using System.Runtime.InteropServices;
using Repro.Models.Darknet.Layers;
using Repro.Torch;
using Repro.Torch.IO;

namespace Repro.Models.Darknet;

/// <summary>
/// The header of a darknet weights file: format version and the number of images the network has seen. <c>seen</c>
/// is 64-bit when major·10 + minor ≥ 2 (current darknet writes 0.2.0), 32-bit before.
/// </summary>
public sealed record DarknetWeightsHeader(int Major, int Minor, int Revision, long Seen)
{
    public static readonly DarknetWeightsHeader Current = new(0, 2, 0, 0);

    public bool SeenIs64Bit => Major * 10 + Minor >= 2;

    public int Bytes => 12 + (SeenIs64Bit ? 8 : 4);
}

/// <summary>
/// Reads and writes darknet weights files (<c>darknet53.conv.74</c>, <c>yolov3.weights</c>): the header, then, for
/// every conv or connected layer below the cutoff in layer order, float32 little-endian arrays — [bn beta, gamma,
/// running mean, running var] or [bias], then the kernel (out × in × k × k). The cutoff counts layers as darknet
/// does: layers 0 … cutoff − 1 are read or written, so <see cref="BackboneCutoff"/> covers YOLOv3's Darknet-53.
/// </summary>
public static class DarknetWeights
{
    /// <summary>Layers 0–74: the part of YOLOv3 that <c>darknet53.conv.74</c> holds.</summary>
    public const int BackboneCutoff = 75;

    /// <summary>
    /// Floats a weights file holds for layers 0 … cutoff − 1 of a cfg, from its shapes alone (no tensors): per conv,
    /// its kernel and either a bias or batch norm's four vectors; per connected layer, weights and bias. Width 1 YOLOv3
    /// below the backbone cutoff: 40,620,640 (darknet53.conv.74 is 20 + 4 × that = 162,482,580 bytes).
    /// </summary>
    public static long FloatCount(DarknetCfg cfg, int cutoff = BackboneCutoff) =>
        LayerShapes.Infer(cfg).Take(cutoff).Sum(l => l.Spec is ConvolutionalSpec { BatchNormalize: true } c
            ? l.ParameterCount + 2L * c.Filters // running mean and variance: buffers, not parameters, but in the file
            : l.ParameterCount);

    /// <summary>
    /// Checks a weights file against a cfg without loading it: a readable header and exactly the floats layers 0 …
    /// cutoff − 1 take. The check <see cref="Load"/> makes, done before a study spends hours on its data.
    /// </summary>
    public static DarknetWeightsHeader Verify(string path, DarknetCfg cfg, int cutoff = BackboneCutoff)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"darknet weights not found: {path}", path);
        using var stream = File.OpenRead(path);
        return CheckHeaderAndSize(path, stream, FloatCount(cfg, cutoff),
            $"layers 0–{cutoff - 1} of {cfg.File} (width {cfg.WidthMultiplier:0.###})");
    }

    /// <summary>Floats the file must hold after its header for layers below the cutoff.</summary>
    public static long FloatCount(DarknetNetwork network, int? cutoff = null) =>
        WeightedLayers(network, cutoff).Sum(l => l.WeightsInFileOrder.Sum(t => t.numel()));

    /// <summary>
    /// Copies the file's weights into layers 0 … cutoff − 1 (all layers when null) and leaves the others as they
    /// are. The file must hold exactly the floats those layers take; otherwise nothing is changed and the error
    /// gives the expected and the actual count.
    /// </summary>
    public static DarknetWeightsHeader Load(string path, DarknetNetwork network, int? cutoff = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"darknet weights not found: {path}", path);
        var targets = WeightedLayers(network, cutoff);
        var expected = targets.Sum(l => l.WeightsInFileOrder.Sum(t => t.numel()));
        using var stream = File.OpenRead(path);
        var header = CheckHeaderAndSize(path, stream, expected, Describe(network, cutoff, targets.Count));

        using var _ = torch.no_grad();
        foreach (var layer in targets)
            foreach (var target in layer.WeightsInFileOrder)
            {
                var values = new float[target.numel()];
                var bytes = MemoryMarshal.AsBytes(values.AsSpan());
                stream.ReadExactly(bytes);
                if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("darknet weights are little-endian");
                using var source = torch.tensor(values, target.shape);
                target.copy_(source);
            }
        return header;
    }

    // Reads the header and leaves the stream at the first float; the size must be the header plus exactly the floats.
    private static DarknetWeightsHeader CheckHeaderAndSize(string path, Stream stream, long expected, string span)
    {
        DarknetWeightsHeader header;
        using (var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true))
            try
            {
                var (major, minor, revision) = (reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32());
                var seen = major * 10 + minor >= 2 ? reader.ReadInt64() : reader.ReadInt32();
                header = new DarknetWeightsHeader(major, minor, revision, seen);
            }
            catch (EndOfStreamException e)
            {
                throw new InvalidDataException($"{path}: truncated header ({stream.Length} bytes)", e);
            }
        var dataBytes = stream.Length - header.Bytes;
        if (dataBytes % sizeof(float) != 0 || dataBytes / sizeof(float) != expected)
            throw new InvalidDataException(
                $"{path}: size mismatch: {span} take {expected:N0} floats ({header.Bytes + 4 * expected:N0} bytes with the header), the file holds "
                + $"{dataBytes / (double)sizeof(float):N0} after its {header.Bytes}-byte header (version {header.Major}.{header.Minor}.{header.Revision}, {stream.Length:N0} bytes)");
        return header;
    }

    /// <summary>Writes layers 0 … cutoff − 1 (all when null) atomically, with the given header (default 0.2.0, seen 0).</summary>
    public static void Save(string path, DarknetNetwork network, int? cutoff = null, DarknetWeightsHeader? header = null)
    {
        var h = header ?? DarknetWeightsHeader.Current;
        var targets = WeightedLayers(network, cutoff);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            writer.Write(h.Major);
            writer.Write(h.Minor);
            writer.Write(h.Revision);
            if (h.SeenIs64Bit) writer.Write(h.Seen);
            else writer.Write(checked((int)h.Seen));
            foreach (var layer in targets)
                foreach (var tensor in layer.WeightsInFileOrder)
                {
                    using var host = tensor.detach().to(ScalarType.Float32, Device.CPU).contiguous();
                    writer.Write(MemoryMarshal.AsBytes(host.ToArray<float>().AsSpan()));
                }
        });
    }

    private static List<IDarknetWeighted> WeightedLayers(DarknetNetwork network, int? cutoff)
    {
        var end = cutoff ?? network.LayerCount;
        if (end < 1 || end > network.LayerCount)
            throw new ArgumentOutOfRangeException(nameof(cutoff), cutoff, $"cutoff must be 1–{network.LayerCount} (layers 0 … cutoff − 1)");
        return network.Layers.Take(end).OfType<IDarknetWeighted>().ToList();
    }

    private static string Describe(DarknetNetwork network, int? cutoff, int weighted) =>
        $"layers 0–{(cutoff ?? network.LayerCount) - 1} of {network.Cfg.File} ({weighted} layers with weights, "
        + $"{network.Cfg.Classes} classes, width {network.Cfg.WidthMultiplier:0.###})";
}
