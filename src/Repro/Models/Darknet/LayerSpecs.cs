namespace Repro.Models.Darknet;

/// <summary>Darknet activations the YOLOv3 and Darknet-53 cfgs use.</summary>
public enum Activation
{
    Linear,
    Leaky,
}

/// <summary>
/// One section of a darknet cfg after parsing: what the layer is, where it was written (for error messages), and
/// which earlier layers it reads. <see cref="Inputs"/> are absolute darknet indices.
/// </summary>
public abstract record LayerSpec(int Line)
{
    /// <summary>The darknet section name ("convolutional", "route", …).</summary>
    public abstract string Kind { get; }

    /// <summary>Absolute indices of the layers whose outputs this one reads (given its own index).</summary>
    public abstract IReadOnlyList<int> Inputs(int index);
}

/// <summary>[convolutional]: conv (bias only without batch norm) → batch norm → activation.</summary>
public sealed record ConvolutionalSpec(int Line, int Filters, int Size, int Stride, int Padding, bool BatchNormalize, Activation Activation)
    : LayerSpec(Line)
{
    public override string Kind => "convolutional";
    public override IReadOnlyList<int> Inputs(int index) => [index - 1];
}

/// <summary>[shortcut]: the previous layer plus layer <see cref="From"/> (absolute), elementwise.</summary>
public sealed record ShortcutSpec(int Line, int From, Activation Activation) : LayerSpec(Line)
{
    public override string Kind => "shortcut";
    public override IReadOnlyList<int> Inputs(int index) => [index - 1, From];
}

/// <summary>[route]: one layer passed on, or several concatenated along channels (absolute indices).</summary>
public sealed record RouteSpec(int Line, IReadOnlyList<int> Layers) : LayerSpec(Line)
{
    public override string Kind => "route";
    public override IReadOnlyList<int> Inputs(int index) => Layers;

    // Records compare lists by reference; compare the indices.
    public bool Equals(RouteSpec? other) => other is not null && Line == other.Line && Layers.SequenceEqual(other.Layers);
    public override int GetHashCode() => HashCode.Combine(Line, Layers.Count);
}

/// <summary>[upsample]: nearest-neighbour by an integer factor.</summary>
public sealed record UpsampleSpec(int Line, int Stride) : LayerSpec(Line)
{
    public override string Kind => "upsample";
    public override IReadOnlyList<int> Inputs(int index) => [index - 1];
}

/// <summary>
/// [yolo]: a detection scale. Its output is its input unchanged (decoding belongs to the loss and the evaluator),
/// so its layer-wise similarity equals that of the conv before it. <see cref="Anchors"/> holds all anchors;
/// <see cref="Mask"/> picks this scale's.
/// </summary>
public sealed record YoloSpec(int Line, IReadOnlyList<int> Mask, IReadOnlyList<(float Width, float Height)> Anchors, int Classes,
    double IgnoreThreshold) : LayerSpec(Line)
{
    public override string Kind => "yolo";
    public override IReadOnlyList<int> Inputs(int index) => [index - 1];

    /// <summary>The anchors this scale predicts with, in mask order.</summary>
    public IReadOnlyList<(float Width, float Height)> MaskedAnchors => Mask.Select(m => Anchors[m]).ToList();

    /// <summary>Channels the conv before must produce: per anchor x, y, w, h, objectness and the class logits.</summary>
    public int ExpectedInputChannels => Mask.Count * (5 + Classes);

    public bool Equals(YoloSpec? other) =>
        other is not null && Line == other.Line && Classes == other.Classes && IgnoreThreshold.Equals(other.IgnoreThreshold)
        && Mask.SequenceEqual(other.Mask) && Anchors.SequenceEqual(other.Anchors);

    public override int GetHashCode() => HashCode.Combine(Line, Classes, Mask.Count);
}

/// <summary>[avgpool]: global average over the spatial dimensions (C×H×W → C×1×1).</summary>
public sealed record AvgPoolSpec(int Line) : LayerSpec(Line)
{
    public override string Kind => "avgpool";
    public override IReadOnlyList<int> Inputs(int index) => [index - 1];
}

/// <summary>[connected]: a fully connected layer over the flattened input, with bias.</summary>
public sealed record ConnectedSpec(int Line, int Output, Activation Activation) : LayerSpec(Line)
{
    public override string Kind => "connected";
    public override IReadOnlyList<int> Inputs(int index) => [index - 1];
}

/// <summary>[softmax]: softmax over the features of the flattened input.</summary>
public sealed record SoftmaxSpec(int Line) : LayerSpec(Line)
{
    public override string Kind => "softmax";
    public override IReadOnlyList<int> Inputs(int index) => [index - 1];
}
