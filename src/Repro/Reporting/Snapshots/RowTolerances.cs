namespace Repro.Reporting.Snapshots;

/// <summary>
/// A row of a snapshot table named by its key values, written <c>key=value,key=value</c> in tolerances.json (every
/// key of the compared rows, in any order), so one row can carry a tolerance of its own.
/// </summary>
internal sealed record RowSelector(IReadOnlyList<(string Column, string Value)> Values)
{
    public bool Selects(IReadOnlyDictionary<string, string> row) =>
        Values.All(v => row.TryGetValue(v.Column, out var cell) && string.Equals(cell, v.Value, StringComparison.Ordinal));

    /// <summary>Reads <c>model=U-Real,test_set=real</c>; null when the text is not of that form (the caller names the file).</summary>
    public static RowSelector? TryParse(string text)
    {
        var values = new List<(string, string)>();
        foreach (var part in text.Split(','))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0) return null;
            var column = part[..eq].Trim();
            if (column.Length == 0 || values.Any(v => v.Item1 == column)) return null;
            values.Add((column, part[(eq + 1)..].Trim()));
        }
        return new RowSelector(values);
    }

    public override string ToString() => string.Join(",", Values.Select(v => $"{v.Column}={v.Value}"));
}

/// <summary>The tolerances one row has instead of its columns' (<c>"rows"</c> of a table entry in tolerances.json).</summary>
internal sealed record RowTolerances(RowSelector Row, IReadOnlyDictionary<string, Tolerance> Columns);
