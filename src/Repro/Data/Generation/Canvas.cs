namespace Repro.Data.Generation;

/// <summary>What a pixel shows, for scene patches of the pre-training set.</summary>
internal enum Surface : byte
{
    None = 0,
    Sky,
    Building,
    Road,
    Sidewalk,
    Terrain,
    Vegetation,
    Pole,
    Sign,
    Object,
    Hood,
}

internal readonly record struct Rgb(float R, float G, float B)
{
    public static Rgb Gray(float v) => new(v, v, v);

    public Rgb Scale(double k) => new((float)(R * k), (float)(G * k), (float)(B * k));

    public static Rgb Lerp(Rgb a, Rgb b, double t) =>
        new((float)(a.R + (b.R - a.R) * t), (float)(a.G + (b.G - a.G) * t), (float)(a.B + (b.B - a.B) * t));

    /// <summary>Scales the distance from the pixel's grey level: 0 → grey, 1 → unchanged, &gt;1 → more saturated.</summary>
    public Rgb Saturate(double k)
    {
        var y = 0.299f * R + 0.587f * G + 0.114f * B;
        return new Rgb(Math.Clamp((float)(y + (R - y) * k), 0, 1), Math.Clamp((float)(y + (G - y) * k), 0, 1), Math.Clamp((float)(y + (B - y) * k), 0, 1));
    }
}

/// <summary>
/// The render target: linear RGB floats plus, per pixel, the id of the instance drawn last there and its surface.
/// Primitives cover the pixels whose centres fall inside them, so a painter's-order draw (far to near) leaves in
/// the instance buffer exactly what is visible, and boxes are read off it.
/// </summary>
internal sealed class Canvas
{
    public Canvas(int width, int height)
    {
        Width = width;
        Height = height;
        Pixels = new float[width * height * 3];
        Instance = new int[width * height];
        Surface = new Surface[width * height];
    }

    public int Width { get; }
    public int Height { get; }
    public float[] Pixels { get; }
    public int[] Instance { get; }
    public Surface[] Surface { get; }

    // Pixels each instance covered when it was drawn, before nearer things were painted over it. Objects are drawn
    // one at a time, far to near, so a pixel an instance paints twice (a window on a car body) counts once.
    private int[] drawn = new int[64];

    private void Claim(int instance)
    {
        if (instance >= drawn.Length) Array.Resize(ref drawn, Math.Max(2 * drawn.Length, instance + 1));
        drawn[instance]++;
    }

    /// <summary>Pixels the instance covered when drawn (inside the image), occluded or not since.</summary>
    public int DrawnPixels(int instance) => instance < drawn.Length ? drawn[instance] : 0;

    /// <summary>Gradient shading from the top (lighter) to the bottom of a part, as simple overhead light.</summary>
    public double Shading { get; set; }

    public void Set(int x, int y, Rgb c, int instance, Surface surface)
    {
        var i = y * Width + x;
        if (instance > 0 && Instance[i] != instance) Claim(instance);
        Pixels[3 * i] = c.R;
        Pixels[3 * i + 1] = c.G;
        Pixels[3 * i + 2] = c.B;
        Instance[i] = instance;
        Surface[i] = surface;
    }

    private (int From, int To) Columns(double x1, double x2) =>
        (Math.Max(0, (int)Math.Ceiling(x1 - 0.5)), Math.Min(Width - 1, (int)Math.Ceiling(x2 - 0.5) - 1));

    private (int From, int To) Rows(double y1, double y2) =>
        (Math.Max(0, (int)Math.Ceiling(y1 - 0.5)), Math.Min(Height - 1, (int)Math.Ceiling(y2 - 0.5) - 1));

    private Rgb Shade(Rgb c, double y, double top, double bottom) =>
        Shading == 0 || bottom <= top ? c : c.Scale(1 + Shading * (0.5 - (y - top) / (bottom - top)));

    public void FillRect(double x1, double y1, double x2, double y2, Rgb color, int instance, Surface surface)
    {
        var (c0, c1) = Columns(x1, x2);
        var (r0, r1) = Rows(y1, y2);
        for (var y = r0; y <= r1; y++)
        {
            var c = Shade(color, y + 0.5, y1, y2);
            for (var x = c0; x <= c1; x++) Set(x, y, c, instance, surface);
        }
    }

    public void FillEllipse(double cx, double cy, double rx, double ry, Rgb color, int instance, Surface surface, double innerFraction = 0)
    {
        if (rx <= 0 || ry <= 0) return;
        var (c0, c1) = Columns(cx - rx, cx + rx);
        var (r0, r1) = Rows(cy - ry, cy + ry);
        var inner2 = innerFraction * innerFraction;
        for (var y = r0; y <= r1; y++)
        {
            var dy = (y + 0.5 - cy) / ry;
            var c = Shade(color, y + 0.5, cy - ry, cy + ry);
            for (var x = c0; x <= c1; x++)
            {
                var dx = (x + 0.5 - cx) / rx;
                var d2 = dx * dx + dy * dy;
                if (d2 <= 1 && d2 >= inner2) Set(x, y, c, instance, surface);
            }
        }
    }

    /// <summary>A quadrilateral given top edge (y1, x from a to b) and bottom edge (y2, x from c to d): trapezoids.</summary>
    public void FillTrapezoid(double y1, double topLeft, double topRight, double y2, double bottomLeft, double bottomRight, Rgb color, int instance, Surface surface)
    {
        var (r0, r1) = Rows(y1, y2);
        for (var y = r0; y <= r1; y++)
        {
            var t = (y + 0.5 - y1) / (y2 - y1);
            var left = topLeft + (bottomLeft - topLeft) * t;
            var right = topRight + (bottomRight - topRight) * t;
            var (c0, c1) = Columns(left, right);
            var c = Shade(color, y + 0.5, y1, y2);
            for (var x = c0; x <= c1; x++) Set(x, y, c, instance, surface);
        }
    }

    /// <summary>A segment of the given thickness (pixels whose centre is within half of it).</summary>
    public void FillLine(double xa, double ya, double xb, double yb, double thickness, Rgb color, int instance, Surface surface)
    {
        var half = Math.Max(thickness, 0) / 2;
        var (c0, c1) = Columns(Math.Min(xa, xb) - half, Math.Max(xa, xb) + half);
        var (r0, r1) = Rows(Math.Min(ya, yb) - half, Math.Max(ya, yb) + half);
        var dx = xb - xa;
        var dy = yb - ya;
        var len2 = dx * dx + dy * dy;
        for (var y = r0; y <= r1; y++)
            for (var x = c0; x <= c1; x++)
            {
                var px = x + 0.5 - xa;
                var py = y + 0.5 - ya;
                var t = len2 > 0 ? Math.Clamp((px * dx + py * dy) / len2, 0, 1) : 0;
                var ex = px - t * dx;
                var ey = py - t * dy;
                if (ex * ex + ey * ey <= half * half) Set(x, y, color, instance, surface);
            }
    }

    /// <summary>Tight box (x1, y1 inclusive; x2, y2 exclusive) and pixel count of every instance id in [1, count).</summary>
    public (int X1, int Y1, int X2, int Y2, int Pixels)[] VisibleExtents(int count)
    {
        var extents = new (int X1, int Y1, int X2, int Y2, int Pixels)[count];
        for (var i = 0; i < count; i++) extents[i] = (int.MaxValue, int.MaxValue, int.MinValue, int.MinValue, 0);
        for (var y = 0; y < Height; y++)
            for (var x = 0; x < Width; x++)
            {
                var id = Instance[y * Width + x];
                if (id <= 0 || id >= count) continue;
                ref var e = ref extents[id];
                e = (Math.Min(e.X1, x), Math.Min(e.Y1, y), Math.Max(e.X2, x + 1), Math.Max(e.Y2, y + 1), e.Pixels + 1);
            }
        return extents;
    }
}
