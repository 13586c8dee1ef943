namespace Repro.Similarity;

/// <summary>A named, inclusive range of layer indices over which CKA values are averaged.</summary>
public sealed record LayerRange(string Name, int First, int Last)
{
    /// <summary>The paper's Table 5 ranges for YOLOv3: all layers 0–106, backbone 0–74, head 75–106.</summary>
    public static IReadOnlyList<LayerRange> PaperDefaults { get; } =
    [
        new("all", 0, 106),
        new("backbone", 0, 74),
        new("head", 75, 106),
    ];

    public bool Contains(int layer) => layer >= First && layer <= Last;
}
