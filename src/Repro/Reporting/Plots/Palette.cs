namespace Repro.Reporting.Plots;

/// <summary>Default colours: Okabe and Ito's colour-blind-safe qualitative palette for series, pale tints for regions.</summary>
internal static class Palette
{
    public static readonly IReadOnlyList<string> Series = new[]
    {
        "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#f0e442", "#000000",
    };

    public static readonly IReadOnlyList<string> Regions = new[] { "#e3ecf7", "#fbeadf", "#e4f3ec", "#f5e6ef" };

    public static string SeriesColour(int index, string? chosen) => chosen ?? Series[index % Series.Count];

    public static string RegionColour(int index, string? chosen) => chosen ?? Regions[index % Regions.Count];

    public const string Axis = "#333333";
    public const string Grid = "#e0e0e0";
    public const string Missing = "#bdbdbd";
}
