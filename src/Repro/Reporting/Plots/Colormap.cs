namespace Repro.Reporting.Plots;

/// <summary>
/// A continuous colormap from evenly spaced control colours, interpolated linearly between them: t = 0 is the
/// first colour and t = 1 the last, values outside [0, 1] are clamped.
/// </summary>
internal sealed class Colormap
{
    private readonly Rgb[] _points;

    public Colormap(string name, IEnumerable<string> hexColours)
    {
        Name = name;
        _points = hexColours.Select(Rgb.Parse).ToArray();
        if (_points.Length < 2) throw new ArgumentException($"Colormap '{name}' needs at least two colours.", nameof(hexColours));
    }

    public string Name { get; }

    public IReadOnlyList<Rgb> ControlPoints => _points;

    /// <summary>
    /// Viridis (perceptually uniform, lightness rising monotonically, readable by colour-blind readers and in grey),
    /// from its colours at 0, 0.1, …, 1.
    /// </summary>
    public static readonly Colormap Viridis = new("viridis", new[]
    {
        "#440154", "#482576", "#414487", "#35608d", "#2a788e", "#21908c", "#22a884", "#43bf71", "#7ad151", "#bbdf27", "#fde725",
    });

    public Rgb At(double t)
    {
        if (double.IsNaN(t)) throw new ArgumentOutOfRangeException(nameof(t), "A colormap position cannot be NaN.");
        t = Math.Clamp(t, 0, 1);
        var position = t * (_points.Length - 1);
        var i = Math.Min((int)Math.Floor(position), _points.Length - 2);
        return Rgb.Lerp(_points[i], _points[i + 1], position - i);
    }

    /// <summary>The colour of <paramref name="value"/> on a scale from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public Rgb Map(double value, double min, double max) => At((value - min) / (max - min));
}
