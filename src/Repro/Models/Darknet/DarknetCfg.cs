namespace Repro.Models.Darknet;

/// <summary>
/// A parsed darknet cfg: the input geometry of [net] and one spec per layer, numbered as darknet numbers them
/// (the first section after [net] is layer 0). Immutable; <see cref="With"/> gives an overridden copy.
/// </summary>
public sealed record DarknetCfg(string File, int Width, int Height, int Channels, IReadOnlyList<LayerSpec> Layers, double WidthMultiplier = 1)
{
    public int LayerCount => Layers.Count;

    /// <summary>The [yolo] layers in network order (their indices).</summary>
    public IReadOnlyList<int> YoloLayers => Enumerable.Range(0, Layers.Count).Where(i => Layers[i] is YoloSpec).ToList();

    /// <summary>
    /// Convs whose output a [yolo] layer reads directly: their filter count follows the class count and the width
    /// multiplier leaves them alone.
    /// </summary>
    public bool IsOutputConv(int index) =>
        Layers[index] is ConvolutionalSpec && index + 1 < Layers.Count && Layers[index + 1] is YoloSpec;

    /// <summary>The class count: of the [yolo] layers, or else the output of the last [connected] layer.</summary>
    public int? Classes =>
        Layers.OfType<YoloSpec>().Select(y => (int?)y.Classes).FirstOrDefault()
        ?? Layers.OfType<ConnectedSpec>().Select(c => (int?)c.Output).LastOrDefault();

    /// <summary>
    /// A copy with the overrides applied. The class count rewrites every [yolo] and the conv feeding it (or the
    /// last [connected] of a classifier); the width multiplier scales every other conv's filters, rounded to a
    /// multiple of 8 and never below 8, so topology and numbering are unchanged; the size sets width and height.
    /// </summary>
    public DarknetCfg With(ModelOverrides overrides)
    {
        var layers = Layers.ToArray();
        var cfg = this;
        if (overrides.Classes is { } classes)
        {
            if (classes < 1) throw new ArgumentException($"{File}: class count must be at least 1, got {classes}");
            var yolos = YoloLayers;
            if (yolos.Count > 0)
            {
                foreach (var i in yolos)
                {
                    var yolo = (YoloSpec)layers[i] with { Classes = classes };
                    layers[i] = yolo;
                    if (IsOutputConv(i - 1)) layers[i - 1] = (ConvolutionalSpec)layers[i - 1] with { Filters = yolo.ExpectedInputChannels };
                }
            }
            else
            {
                var last = Array.FindLastIndex(layers, l => l is ConnectedSpec);
                if (last < 0) throw new ArgumentException($"{File}: a class count needs a [yolo] or [connected] layer to apply to");
                layers[last] = (ConnectedSpec)layers[last] with { Output = classes };
            }
        }
        if (overrides.Width is { } multiplier)
        {
            if (!(multiplier > 0) || !double.IsFinite(multiplier))
                throw new ArgumentException($"{File}: width multiplier must be positive, got {multiplier}");
            for (var i = 0; i < layers.Length; i++)
                if (layers[i] is ConvolutionalSpec conv && !IsOutputConv(i))
                    layers[i] = conv with { Filters = ScaleFilters(conv.Filters, multiplier) };
            cfg = cfg with { WidthMultiplier = WidthMultiplier * multiplier };
        }
        if (overrides.Anchors is { } anchors)
        {
            foreach (var i in YoloLayers)
            {
                var yolo = (YoloSpec)layers[i];
                if (anchors.Count != yolo.Anchors.Count)
                    throw new ArgumentException($"{File}: {anchors.Count} anchors given, the [yolo] layer at line {yolo.Line} has {yolo.Anchors.Count}");
                layers[i] = yolo with { Anchors = anchors };
            }
        }
        if (overrides.Size is { } size)
        {
            if (size < 1) throw new ArgumentException($"{File}: input size must be positive, got {size}");
            cfg = cfg with { Width = size, Height = size };
        }
        return cfg with { Layers = layers };
    }

    /// <summary>filters × multiplier rounded to the nearest multiple of 8 (halves away from zero), at least 8.</summary>
    public static int ScaleFilters(int filters, double multiplier) =>
        Math.Max(8, (int)Math.Round(filters * multiplier / 8, MidpointRounding.AwayFromZero) * 8);
}

/// <summary>Build-time changes to a cfg: class count, width multiplier, square input size, the anchors of every [yolo]
/// layer (as many as the cfg lists; null: as written).</summary>
public sealed record ModelOverrides(int? Classes = null, double? Width = null, int? Size = null,
    IReadOnlyList<(float Width, float Height)>? Anchors = null);
