namespace Repro.Data.Generation;

/// <summary>
/// One instance placed in the world: lateral offset X and depth Z in metres on the ground plane (camera at the
/// origin looking down +Z), size in metres, seen from behind or from the side.
/// </summary>
internal sealed record SceneObject(ObjectKind Kind, int Instance, double X, double Z, double WidthM, double HeightM, bool SideView, Rgb Color, Rgb Accent)
{
    /// <summary>Height above the ground of the object's lowest point (riders sit on their cycle).</summary>
    public double Elevation { get; init; }
}

/// <summary>A rendered scene: pixels, the instance buffer, and the visible box of every instance.</summary>
internal sealed record RenderedScene(
    int Width,
    int Height,
    byte[] Rgb,
    Canvas Canvas,
    IReadOnlyList<SceneObject> Objects,
    IReadOnlyDictionary<int, (int X1, int Y1, int X2, int Y2, int Pixels)> Visible,
    bool Night,
    bool Rain,
    int JpegQuality);
