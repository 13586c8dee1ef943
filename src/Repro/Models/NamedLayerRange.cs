namespace Repro.Models;

/// <summary>A layer range with the name a table or a claim calls it by ("backbone").</summary>
public sealed record NamedLayerRange(string Name, LayerRange Range)
{
    /// <summary>YOLOv3's parts as the paper's Table 5 averages over them: all layers 0–106, backbone 0–74, head 75–106.</summary>
    public static IReadOnlyList<NamedLayerRange> YoloV3Parts { get; } =
    [
        new("all", LayerRange.All),
        new("backbone", LayerRange.Backbone),
        new("head", LayerRange.Head),
    ];
}
