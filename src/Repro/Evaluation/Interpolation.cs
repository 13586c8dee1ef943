namespace Repro.Evaluation;

/// <summary>How the precision–recall curve is summarised into AP.</summary>
public enum Interpolation
{
    /// <summary>
    /// The default: the area under the precision envelope (precision at recall r is the best precision at any
    /// recall ≥ r) at every recall the curve reaches — VOC 2010+ and darknet's <c>map</c>.
    /// </summary>
    AllPoints,

    /// <summary>Mean of the envelope at recall 0, 0.1, …, 1 (VOC 2007).</summary>
    ElevenPoint,

    /// <summary>Mean of the envelope at recall 0, 0.01, …, 1 (COCO).</summary>
    HundredOnePoint,
}

public static class Interpolations
{
    /// <summary>The names the CLI and the result CSV use: all, 11, 101.</summary>
    public static string Name(this Interpolation i) => i switch
    {
        Interpolation.AllPoints => "all",
        Interpolation.ElevenPoint => "11",
        Interpolation.HundredOnePoint => "101",
        _ => throw new ArgumentOutOfRangeException(nameof(i), i, null),
    };

    public static Interpolation Parse(string name) => name switch
    {
        "all" => Interpolation.AllPoints,
        "11" => Interpolation.ElevenPoint,
        "101" => Interpolation.HundredOnePoint,
        _ => throw new ArgumentException($"unknown interpolation '{name}': use all, 11 or 101"),
    };
}
