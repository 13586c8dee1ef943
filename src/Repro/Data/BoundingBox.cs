namespace Repro.Data;

/// <summary>An axis-aligned box in pixels (x1, y1 top-left; x2, y2 bottom-right, exclusive) with its class.</summary>
public readonly record struct BoundingBox(CommonClass Class, float X1, float Y1, float X2, float Y2)
{
    public float Width => X2 - X1;
    public float Height => Y2 - Y1;
    public float Area => Math.Max(0, Width) * Math.Max(0, Height);
}
