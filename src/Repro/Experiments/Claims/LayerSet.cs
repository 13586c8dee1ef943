using Repro.Models;

namespace Repro.Experiments.Claims;

/// <summary>
/// A set of layer indices written as text: ranges and single layers joined by commas ("0-12", "81,82,93",
/// "0-61,86-106"), or a part name: "all" (0–106), "backbone" (0–74), "head" (75–106).
/// </summary>
public static class LayerSet
{
    public static int[] Parse(string text, int layerCount = 107)
    {
        var backbone = LayerRange.Backbone;
        switch (text.Trim())
        {
            case "all": return Enumerable.Range(0, layerCount).ToArray();
            case "backbone": return backbone.Indices.ToArray();
            case "head": return Enumerable.Range(backbone.Last + 1, layerCount - backbone.Last - 1).ToArray();
        }
        var layers = new SortedSet<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var range = LayerRange.Parse(part);
            if (range.Last >= layerCount) throw new FormatException($"'{part}' is outside layers 0–{layerCount - 1}");
            layers.UnionWith(range.Indices);
        }
        return layers.ToArray();
    }
}
