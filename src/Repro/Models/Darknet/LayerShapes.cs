namespace Repro.Models.Darknet;

/// <summary>A layer output per image: channels × height × width (a flat vector is F × 1 × 1).</summary>
public readonly record struct FeatureShape(int Channels, int Height, int Width)
{
    public long Elements => (long)Channels * Height * Width;
    public override string ToString() => $"{Channels}×{Height}×{Width}";
}

/// <summary>What one layer does at a given input size: what it reads, what it emits, what it costs.</summary>
public sealed record LayerShape(int Index, LayerSpec Spec, IReadOnlyList<int> InputLayers, FeatureShape Input, FeatureShape Output,
    long ParameterCount, long Flops)
{
    public bool Equals(LayerShape? other) =>
        other is not null && Index == other.Index && Spec.Equals(other.Spec) && InputLayers.SequenceEqual(other.InputLayers)
        && Input == other.Input && Output == other.Output && ParameterCount == other.ParameterCount && Flops == other.Flops;

    public override int GetHashCode() => HashCode.Combine(Index, Output, ParameterCount);
}

/// <summary>
/// Shape inference over a cfg without building tensors: the output of every layer, its trainable parameter
/// count (batch-norm running statistics are buffers, not parameters) and its FLOPs per image, counting a
/// multiply-add as 2 and only convolutions and connected layers (batch norm, activations and additions are a
/// rounding error next to them). Every inconsistency — channels that do not match for a shortcut, spatial sizes
/// that do not match for a route, an output conv with the wrong filter count for its [yolo] — is a
/// <see cref="DarknetCfgException"/> at the layer's line.
/// </summary>
public static class LayerShapes
{
    public static IReadOnlyList<LayerShape> Infer(DarknetCfg cfg) => Infer(cfg, cfg.Height, cfg.Width);

    public static IReadOnlyList<LayerShape> Infer(DarknetCfg cfg, int height, int width)
    {
        var shapes = new List<LayerShape>(cfg.LayerCount);
        var input = new FeatureShape(cfg.Channels, height, width);
        for (var i = 0; i < cfg.LayerCount; i++)
        {
            var spec = cfg.Layers[i];
            var previous = i == 0 ? input : shapes[i - 1].Output;
            var inputs = spec.Inputs(i).Where(j => j >= 0).ToList();
            DarknetCfgException Error(string problem) => new(cfg.File, spec.Line, $"layer {i} ({spec.Kind}) at {height}×{width} input: {problem}");
            (FeatureShape Output, long Parameters, long Flops) result = spec switch
            {
                ConvolutionalSpec c => Convolution(c, previous, Error),
                ShortcutSpec s => shapes[s.From].Output == previous
                    ? (previous, 0, 0)
                    : throw Error($"adds layer {s.From} ({shapes[s.From].Output}) to layer {i - 1} ({previous}): shapes differ"),
                RouteSpec r => Route(r, shapes, Error),
                UpsampleSpec u => (previous with { Height = previous.Height * u.Stride, Width = previous.Width * u.Stride }, 0, 0),
                YoloSpec y => previous.Channels == y.ExpectedInputChannels
                    ? (previous, 0, 0)
                    : throw Error($"needs {y.Mask.Count}·(5 + {y.Classes}) = {y.ExpectedInputChannels} input channels, layer {i - 1} gives {previous.Channels}"),
                AvgPoolSpec => (previous with { Height = 1, Width = 1 }, 0, 0),
                ConnectedSpec f => (new FeatureShape(f.Output, 1, 1), previous.Elements * f.Output + f.Output, 2 * previous.Elements * f.Output),
                SoftmaxSpec => (new FeatureShape(checked((int)previous.Elements), 1, 1), 0, 0),
                _ => throw Error("no shape rule for this layer kind"),
            };
            shapes.Add(new LayerShape(i, spec, inputs, previous, result.Output, result.Parameters, result.Flops));
        }
        return shapes;
    }

    private static (FeatureShape, long, long) Convolution(ConvolutionalSpec c, FeatureShape input, Func<string, DarknetCfgException> error)
    {
        var outH = (input.Height + 2 * c.Padding - c.Size) / c.Stride + 1;
        var outW = (input.Width + 2 * c.Padding - c.Size) / c.Stride + 1;
        if (input.Height + 2 * c.Padding < c.Size || input.Width + 2 * c.Padding < c.Size)
            throw error($"a {c.Size}×{c.Size} kernel does not fit a {input} input with padding {c.Padding}");
        var output = new FeatureShape(c.Filters, outH, outW);
        long kernel = (long)c.Size * c.Size * input.Channels * c.Filters;
        var parameters = kernel + (c.BatchNormalize ? 2L * c.Filters : c.Filters);
        return (output, parameters, 2 * kernel * outH * outW);
    }

    private static (FeatureShape, long, long) Route(RouteSpec r, List<LayerShape> shapes, Func<string, DarknetCfgException> error)
    {
        var parts = r.Layers.Select(j => shapes[j].Output).ToList();
        var first = parts[0];
        for (var k = 1; k < parts.Count; k++)
            if (parts[k].Height != first.Height || parts[k].Width != first.Width)
                throw error($"concatenates layer {r.Layers[0]} ({first}) with layer {r.Layers[k]} ({parts[k]}): spatial sizes differ "
                            + "(is the input size a multiple of the network's stride?)");
        return (first with { Channels = parts.Sum(p => p.Channels) }, 0, 0);
    }
}
