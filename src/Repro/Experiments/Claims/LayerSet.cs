using Repro.Models;

namespace Repro.Experiments.Claims;

/// <summary>
/// A set of YOLOv3 layer indices written as text: ranges and single layers joined by commas ("0-12", "81,82,93",
/// "0-61,86-106"), or a part name: "all" (0–106), "backbone" (0–74), "head" (75–106).
/// </summary>
internal static class LayerSet
{
    public static int[] Parse(string text)
    {
        var name = text.Trim();
        if (NamedLayerRange.YoloV3Parts.FirstOrDefault(p => p.Name == name) is { } part) return part.Range.Indices.ToArray();
        var all = LayerRange.All;
        var layers = new SortedSet<int>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var range = LayerRange.Parse(item);
            if (!all.Contains(range.Last)) throw new FormatException($"'{item}' is outside layers {all.First}–{all.Last}");
            layers.UnionWith(range.Indices);
        }
        return layers.ToArray();
    }
}
