using Repro.Models;
using Repro.Torch;
using Repro.Torch.NN;

namespace Repro.Benchmarks;

/// <summary>
/// A benchmark stand-in with YOLOv3's layer shapes: each layer's output is seeded normal noise through a leaky ReLU,
/// drawn per batch. It measures the analysis (capture, Grams, comparisons), not a network: the "forward" costs one
/// random draw per activation. Activations are not tied to the images, so it suits single-pass plans only.
/// </summary>
internal sealed class SyntheticActivationNetwork(IReadOnlyList<(int Channels, int Height, int Width)> shapes, long seed) : ILayerwiseNetwork, IDisposable
{
    private readonly Generator generator = new(seed);

    public int LayerCount => shapes.Count;

    public void ForwardLayers(Tensor images, Action<int, Tensor> onLayer, IReadOnlySet<int>? wanted = null)
    {
        var batch = images.size(0);
        for (var layer = 0; layer < shapes.Count; layer++)
        {
            if (wanted is not null && !wanted.Contains(layer)) continue;
            using var scope = torch.NewDisposeScope();
            var (c, h, w) = shapes[layer];
            onLayer(layer, functional.leaky_relu(torch.randn([batch, c, h, w], generator), 0.1));
        }
    }

    public void Dispose() => generator.Dispose();
}
