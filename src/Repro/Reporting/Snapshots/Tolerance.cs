namespace Repro.Reporting.Snapshots;

/// <summary>
/// How far an obtained number may be from the expected one, as numpy's <c>isclose</c> (and so pytest-regressions)
/// reads it: |obtained − expected| ≤ absolute + relative·|expected|. Zero for both means exact.
/// NaN matches only NaN, and an infinity only the same infinity.
/// </summary>
internal sealed record Tolerance(double Absolute = 0, double Relative = 0)
{
    public static readonly Tolerance Exact = new();

    public bool IsExact => Absolute == 0 && Relative == 0;

    public bool Allows(double obtained, double expected)
    {
        if (double.IsNaN(obtained) || double.IsNaN(expected)) return double.IsNaN(obtained) && double.IsNaN(expected);
        if (obtained == expected) return true;
        if (!double.IsFinite(obtained) || !double.IsFinite(expected)) return false;
        return Math.Abs(obtained - expected) <= Absolute + Relative * Math.Abs(expected);
    }

    public override string ToString() => IsExact ? "exact" : string.Join(" + ", new[]
    {
        Absolute > 0 ? $"abs {Absolute.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)}" : null,
        Relative > 0 ? $"rel {Relative.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)}" : null,
    }.Where(s => s is not null));
}

/// <summary>
/// What identifies a row of one snapshot table, and how closely each numeric column must match. With
/// <see cref="MeanOver"/> (key columns such as the seed) both tables are first reduced to one row per group of the
/// other keys (<see cref="GroupMeans"/>), and rows are then identified by <see cref="GroupKeys"/>. <see cref="Rows"/>
/// gives single rows their own tolerances, over <see cref="Columns"/>; <see cref="MaxTolerance"/> is the widest
/// tolerance per column that still guards the effects the claims rest on (read by the calibration, not the check).
/// </summary>
internal sealed record TableTolerances(IReadOnlyList<string> Keys, IReadOnlyDictionary<string, Tolerance> Columns, Tolerance Default)
{
    /// <summary>No keys (rows are matched by position), every number exact.</summary>
    public static readonly TableTolerances ExactByPosition = new(Array.Empty<string>(), new Dictionary<string, Tolerance>(), Tolerance.Exact);

    public IReadOnlyList<string> MeanOver { get; init; } = [];

    public IReadOnlyList<RowTolerances> Rows { get; init; } = [];

    public IReadOnlyDictionary<string, double> MaxTolerance { get; init; } = new Dictionary<string, double>();

    /// <summary>
    /// Calibrate each row on its own spread (largest-difference rule): a column's tolerance is the floor, and the rows
    /// that rounding moves further get their own under <see cref="Rows"/>. For deterministic tables in which a few
    /// rows are ill-conditioned (CKA against an untrained network in the head) while the rest agree to 1e-7: one
    /// column-wide tolerance sized for those few would blind the check on all the others.
    /// </summary>
    public bool PerRow { get; init; }

    /// <summary>
    /// Calibrate each row by the statistical rule, from the spread of its value across runs, without averaging over
    /// anything (meanOver implies it): for a table with one value per run and row that training makes chaotic, the
    /// claims' worst-seed margins.
    /// </summary>
    public bool Statistical { get; init; }

    /// <summary>
    /// Why the profile has no verified copy of this table yet (a table added to the study after the profile was last
    /// calibrated, whose runs are too long to make on the spot): the check then passes, says so, and writes the received
    /// file to accept once the profile's calibration runs have it. Null: the table must have a verified file.
    /// </summary>
    public string? Pending { get; init; }

    /// <summary>Calibrated by the statistical rule: seed means, or rows as they are.</summary>
    public bool IsStatistical => Statistical || MeanOver.Count > 0;

    /// <summary>The key columns of the compared rows: <see cref="Keys"/>, or after averaging, the other keys and (averaging over several columns) <see cref="GroupMeans.SeedsColumn"/>.</summary>
    public IReadOnlyList<string> GroupKeys => MeanOver.Count == 0 ? Keys
        : [.. Keys.Where(k => !MeanOver.Contains(k)), .. MeanOver.Count > 1 ? new[] { GroupMeans.SeedsColumn } : []];

    public Tolerance For(string column) => Columns.TryGetValue(column, out var t) ? t : Default;

    /// <summary>The tolerance of one cell: the first entry of <see cref="Rows"/> that selects the row and names the column, else the column's.</summary>
    public Tolerance For(IReadOnlyDictionary<string, string> row, string column) =>
        Rows.FirstOrDefault(r => r.Row.Selects(row) && r.Columns.ContainsKey(column))?.Columns[column] ?? For(column);
}
