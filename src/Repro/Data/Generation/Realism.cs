namespace Repro.Data.Generation;

/// <summary>
/// How photographic the images look: an overall <see cref="Level"/> in [0, 1] times a strength in [0, 1] per
/// effect. Level 0 is a clean game render (flat saturated shading, lossless); level 1 a dashcam photograph (sensor
/// noise, blur, JPEG artefacts, exposure and white-balance errors, vignetting, desaturated colours, some night and
/// rain). Defaults: 1 for the real domain, 0 for the synthetic one; sweeping the level sweeps the domain gap.
/// </summary>
public sealed record Realism
{
    public double Level { get; init; }
    public double Noise { get; init; } = 1;
    public double Blur { get; init; } = 1;
    public double Jpeg { get; init; } = 1;
    public double Exposure { get; init; } = 1;
    public double WhiteBalance { get; init; } = 1;
    public double Vignetting { get; init; } = 1;
    public double Desaturation { get; init; } = 1;
    public double Night { get; init; } = 1;
    public double Rain { get; init; } = 1;

    public static Realism For(Domain domain) => new() { Level = domain == Domain.Real ? 1 : 0 };

    internal double Effective(double strength) => Math.Clamp(Level, 0, 1) * Math.Clamp(strength, 0, 1);

    internal void Validate()
    {
        foreach (var (name, value) in new[]
                 {
                     ("level", Level), ("noise", Noise), ("blur", Blur), ("jpeg", Jpeg), ("exposure", Exposure),
                     ("white-balance", WhiteBalance), ("vignetting", Vignetting), ("desaturation", Desaturation),
                     ("night", Night), ("rain", Rain),
                 })
            if (!(value >= 0 && value <= 1)) throw new ArgumentOutOfRangeException(name, value, $"realism {name} must be in [0, 1]");
    }
}
