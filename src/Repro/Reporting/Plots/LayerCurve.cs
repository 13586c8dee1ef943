namespace Repro.Reporting.Plots;

/// <summary>
/// One comparison's CKA at every layer, indexed by layer (NaN: not measured, drawn as a gap), and where the analysis
/// resampled its images the 95% interval around it (<see cref="Lower"/> and <see cref="Upper"/>, given together).
/// </summary>
internal sealed record LayerCurve(string Name, IReadOnlyList<double> Cka)
{
    public IReadOnlyList<double>? Lower { get; init; }
    public IReadOnlyList<double>? Upper { get; init; }

    public bool HasInterval => Lower is not null;
}

/// <summary>The layers of one kind (shortcut, route, yolo), marked with one shape on every curve.</summary>
internal sealed record LayerMarks(string Kind, IReadOnlyCollection<int> Layers);
