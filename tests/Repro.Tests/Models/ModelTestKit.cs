using Repro.Models.Darknet;
using Repro.Torch;
using Repro.Torch.NN;

namespace Repro.Tests.Models;

/// <summary>Small helpers shared by the model tests: tiny YOLOv3s, snapshots of every tensor, seeded images.</summary>
internal static class ModelTestKit
{
    /// <summary>The repository's YOLOv3 at width 0.125 (8 to 128 filters): same 107-layer topology, fast on a CPU.</summary>
    public static DarknetNetwork TinyYolo(long seed, int size = 64, int? classes = null) =>
        DarknetNetwork.Build(BuiltinCfgs.YoloV3(new ModelOverrides(classes, 0.125, size)), seed);

    /// <summary>Every parameter and buffer, copied out as floats.</summary>
    public static Dictionary<string, float[]> Snapshot(Module module) =>
        module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray<float>());

    /// <summary>The darknet layer a state name belongs to ("81.conv.bias" → 81).</summary>
    public static int LayerOf(string name) => int.Parse(name[..name.IndexOf('.')], System.Globalization.CultureInfo.InvariantCulture);

    public static Tensor Images(int n, int size, long seed)
    {
        using var g = new Generator(seed);
        return torch.rand([n, 3, size, size], g);
    }

    /// <summary>Gives every batch norm non-trivial running statistics, so tests can tell them apart.</summary>
    public static void RandomiseBatchNormStatistics(DarknetNetwork network, long seed)
    {
        using var g = new Generator(seed);
        using var _ = torch.no_grad();
        foreach (var (name, buffer) in network.named_buffers())
        {
            using var u = torch.rand(buffer.shape, g);
            using var value = name.EndsWith("running_var", StringComparison.Ordinal) ? u + 0.5 : u - 0.5;
            buffer.copy_(value);
        }
    }
}
