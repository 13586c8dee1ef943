using System.Globalization;

namespace Repro.Models;

/// <summary>An inclusive range of darknet layer indices, written "0-74" (or "5" for one layer).</summary>
public readonly record struct LayerRange(int First, int Last)
{
    /// <summary>Every layer of YOLOv3.</summary>
    public static readonly LayerRange All = new(0, 106);

    /// <summary>YOLOv3's Darknet-53 backbone, the part F-Synthetic freezes.</summary>
    public static readonly LayerRange Backbone = new(0, 74);

    /// <summary>YOLOv3's detection head: the layers after the backbone.</summary>
    public static readonly LayerRange Head = new(75, 106);

    public bool Contains(int index) => index >= First && index <= Last;

    public int Count => Last - First + 1;

    public IEnumerable<int> Indices => Enumerable.Range(First, Count);

    public static LayerRange Parse(string text)
    {
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length is 1 or 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            && int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            && first <= last)
            return new LayerRange(first, last);
        throw new FormatException($"layer range '{text}': expected FIRST-LAST with 0 ≤ FIRST ≤ LAST (e.g. 0-74)");
    }

    public override string ToString() => First == Last ? $"{First}" : $"{First}-{Last}";
}
