using Repro.Reporting.Tables;

namespace Repro.Reporting.Snapshots.Calibration;

/// <summary>
/// What the calibration runs showed for one result table: per column (<see cref="Columns"/>, the largest-difference
/// rule) or, for a table compared as seed means, per row and column (<see cref="RowSpreads"/>, the statistical rule,
/// with the number of checked cells <see cref="Checks"/> and each numeric column's variance prior <see cref="Priors"/>).
/// </summary>
internal sealed record TableSpread(
    string Name,
    IReadOnlyList<string> Keys,
    int Rows,
    IReadOnlyList<ColumnSpread> Columns,
    IReadOnlyList<CellDisagreement> Disagreements,
    IReadOnlyList<int> CellsDifferingFromFirstRun)
{
    /// <summary>The table's entry in tolerances.json before this calibration (meanOver, maxTolerance are kept).</summary>
    public TableTolerances Declared { get; init; } = TableTolerances.ExactByPosition;

    public IReadOnlyList<RowSpread> RowSpreads { get; init; } = [];

    public int Checks { get; init; }

    public IReadOnlyDictionary<string, Repro.Statistics.VariancePrior> Priors { get; init; } = new Dictionary<string, Repro.Statistics.VariancePrior>();

    public bool IsSeedMeans => Declared.IsStatistical;

    /// <summary>For a table compared as seed means: the mean of the runs' group means, its verified reference (<see cref="ReferenceTable"/>).</summary>
    public CsvText? Reference { get; init; }

    /// <summary>How many runs <see cref="Reference"/> is the mean of (null without one).</summary>
    public int? ReferenceRuns { get; init; }
}
