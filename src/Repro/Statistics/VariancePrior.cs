namespace Repro.Statistics;

/// <summary>
/// What many rows' sample variances, each on d degrees of freedom, say about a row's true variance: a scaled inverse
/// χ² prior with <see cref="Df"/> degrees of freedom d₀ and scale <see cref="Variance"/> s₀², estimated by Smyth's
/// moment method ("Linear models and empirical Bayes methods for assessing differential expression in microarray
/// experiments", 2004, §6.2; limma's squeezeVar). A row's moderated variance is then (d₀s₀² + d·s²)/(d₀ + d), and
/// (x − μ)/s̃ follows a t distribution with d₀ + d degrees of freedom. With a handful of runs per row a sample sd is
/// itself a rough draw (with 4 degrees of freedom it is below half the true sd one time in ten), and treating it as
/// exact fails a good run far more often than designed; borrowing strength from the other rows adds degrees of
/// freedom where the rows' variances agree and adds none where they do not.
/// </summary>
internal sealed record VariancePrior(double Df, double Variance)
{
    /// <summary>No prior: each row stands on its own variance and degrees of freedom.</summary>
    public static readonly VariancePrior None = new(0, 0);

    /// <summary>
    /// Estimates the prior from the rows' sample variances, each on <paramref name="df"/> degrees of freedom. A zero
    /// variance (every run agreed) has no logarithm and says nothing about the spread of the others: it is left out.
    /// Fewer than three positive variances give no prior. Rows more alike than sampling alone would make them give
    /// d₀ = ∞: one common variance.
    /// </summary>
    public static VariancePrior Estimate(IEnumerable<double> variances, int df)
    {
        if (df < 1) throw new ArgumentOutOfRangeException(nameof(df), df, "a sample variance has at least one degree of freedom");
        var half = df / 2.0;
        // e = log s² − ψ(d/2) + log(d/2) has mean log s₀² − ψ(d₀/2) + log(d₀/2) and variance ψ′(d/2) + ψ′(d₀/2).
        var e = variances.Where(v => v > 0 && double.IsFinite(v)).Select(v => Math.Log(v) - Polygamma.Digamma(half) + Math.Log(half)).ToList();
        if (e.Count < 3) return None;
        var mean = e.Average();
        var excess = e.Sum(x => (x - mean) * (x - mean)) / (e.Count - 1) - Polygamma.Trigamma(half);
        if (excess <= 0) return new VariancePrior(double.PositiveInfinity, Math.Exp(mean));
        var d0 = 2 * Polygamma.TrigammaInverse(excess);
        return new VariancePrior(d0, Math.Exp(mean + Polygamma.Digamma(d0 / 2) - Math.Log(d0 / 2)));
    }

    /// <summary>The row's moderated variance, (d₀s₀² + d·s²)/(d₀ + d).</summary>
    public double Moderate(double variance, int df) =>
        double.IsPositiveInfinity(Df) ? Variance : (Df * Variance + df * variance) / (Df + df);

    /// <summary>The degrees of freedom of a moderated variance: d₀ + d.</summary>
    public double TotalDf(int df) => Df + df;
}
