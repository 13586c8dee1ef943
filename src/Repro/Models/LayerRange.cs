using System.Globalization;

namespace Repro.Models;

/// <summary>An inclusive range of darknet layer indices, written "0-74" (or "5" for one layer).</summary>
public readonly record struct LayerRange(int First, int Last)
{
    /// <summary>YOLOv3's Darknet-53 backbone, the part F-Synthetic freezes.</summary>
    public static readonly LayerRange Backbone = new(0, 74);

    public bool Contains(int index) => index >= First && index <= Last;

    public IEnumerable<int> Indices => Enumerable.Range(First, Last - First + 1);

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
