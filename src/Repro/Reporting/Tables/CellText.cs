using System.Globalization;

namespace Repro.Reporting.Tables;

/// <summary>
/// Turns a cell into text the same way on every machine: invariant culture, and for CSV the shortest string that
/// round-trips the number, so a reread table holds exactly the values that were written.
/// </summary>
internal static class CellText
{
    /// <summary>Full precision, for CSV.</summary>
    public static string ForData(object? cell) => cell switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"Cells of type {cell.GetType().Name} cannot be written."),
    };

    /// <summary>With the column's display format, for Markdown.</summary>
    public static string ForDisplay(object? cell, string? format) => cell switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        double d when !double.IsFinite(d) => ForData(d),
        float f when !float.IsFinite(f) => ForData(f),
        IFormattable f when format is not null => f.ToString(format, CultureInfo.InvariantCulture),
        _ => ForData(cell),
    };

    public static bool IsNumber(object? cell) => cell is double or float or decimal or int or long or short or byte or uint or ulong or ushort or sbyte;
}
