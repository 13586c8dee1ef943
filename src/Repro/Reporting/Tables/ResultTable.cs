namespace Repro.Reporting.Tables;

/// <summary>
/// One column of a <see cref="ResultTable"/>. <paramref name="Format"/> is a .NET numeric format string
/// (e.g. "F3") used when the table is shown to people (Markdown); CSV keeps full precision so that snapshot
/// comparisons see the real numbers and tolerances, not display rounding, decide what counts as a change.
/// </summary>
internal sealed record TableColumn(string Name, string? Format = null);

/// <summary>
/// A result table as data: named columns and rows of cells (numbers, strings, booleans or null for "no value").
/// Every table the study produces goes through this one shape, so CSV, Markdown and snapshots agree.
/// </summary>
internal sealed class ResultTable
{
    private readonly List<IReadOnlyList<object?>> _rows = new();

    public ResultTable(string name, IEnumerable<TableColumn> columns)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A table needs a name.", nameof(name));
        Name = name;
        Columns = columns.ToArray();
        if (Columns.Count == 0) throw new ArgumentException($"Table '{name}' has no columns.", nameof(columns));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in Columns)
        {
            if (string.IsNullOrWhiteSpace(c.Name)) throw new ArgumentException($"Table '{name}' has a column without a name.", nameof(columns));
            if (!seen.Add(c.Name)) throw new ArgumentException($"Table '{name}' has two columns named '{c.Name}'.", nameof(columns));
        }
    }

    public ResultTable(string name, params string[] columns) : this(name, columns.Select(c => new TableColumn(c))) { }

    /// <summary>Used in messages and as the default file name.</summary>
    public string Name { get; }

    public IReadOnlyList<TableColumn> Columns { get; }

    public IReadOnlyList<IReadOnlyList<object?>> Rows => _rows;

    public ResultTable AddRow(params object?[] cells)
    {
        if (cells.Length != Columns.Count)
            throw new ArgumentException($"Table '{Name}', row {_rows.Count + 1}: {cells.Length} cells for {Columns.Count} columns ({string.Join(", ", Columns.Select(c => c.Name))}).", nameof(cells));
        for (var i = 0; i < cells.Length; i++)
        {
            if (cells[i] is not (null or string or bool or IFormattable))
                throw new ArgumentException($"Table '{Name}', row {_rows.Count + 1}, column '{Columns[i].Name}': cells of type {cells[i]!.GetType().Name} cannot be written.", nameof(cells));
        }
        _rows.Add((object?[])cells.Clone());
        return this;
    }
}
