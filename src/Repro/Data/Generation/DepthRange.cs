namespace Repro.Data.Generation;

/// <summary>
/// How near and how far from the camera road users are placed, in metres along the road (log-uniform between the
/// two). A box's size falls as 1 / depth, so this range sets the size distribution of the labels: dashcam frames
/// reach far down the road (many tiny boxes), game frames are framed closer. A small model input needs a nearer
/// range for its objects to cover more than a few pixels.
/// </summary>
public sealed record DepthRange(double Near, double Far)
{
    public static DepthRange For(Domain domain) => domain == Domain.Real ? new(5, 90) : new(4, 45);

    internal void Validate()
    {
        if (!(Near >= 1 && Far >= Near && Far <= 500))
            throw new ArgumentOutOfRangeException(nameof(DepthRange), this, "depths must satisfy 1 ≤ near ≤ far ≤ 500 metres");
    }
}
