namespace Repro.Experiments.Claims;

/// <summary>
/// A set of layer indices written as text: "0-12", "62-85", "81,82,93", "0-61,86-106", or a part name:
/// "all" (0–106), "backbone" (0–74), "head" (75–106).
/// </summary>
public static class LayerRange
{
    public const int BackboneEnd = 74;

    public static int[] Parse(string text, int layerCount = 107)
    {
        switch (text.Trim())
        {
            case "all": return Enumerable.Range(0, layerCount).ToArray();
            case "backbone": return Enumerable.Range(0, BackboneEnd + 1).ToArray();
            case "head": return Enumerable.Range(BackboneEnd + 1, layerCount - BackboneEnd - 1).ToArray();
        }
        var layers = new SortedSet<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bounds = part.Split('-');
            if (bounds.Length is < 1 or > 2 || !bounds.All(b => int.TryParse(b, out _)))
                throw new FormatException($"'{text}' is not a layer range (e.g. 0-12, 81,82, backbone)");
            var (lo, hi) = (int.Parse(bounds[0]), int.Parse(bounds[^1]));
            if (lo > hi || lo < 0 || hi >= layerCount) throw new FormatException($"'{part}' is outside layers 0–{layerCount - 1}");
            for (var l = lo; l <= hi; l++) layers.Add(l);
        }
        return layers.ToArray();
    }
}
