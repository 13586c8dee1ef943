namespace Repro.Tests.Similarity;

/// <summary>
/// Independent float64 references written straight from the definitions with loops, no libtorch: the biased HSIC
/// as tr(K H L H) with an explicit centering matrix, and the unbiased HSIC estimator of Song et al. (2012) in its
/// trace form (not via U-centering, which is what the library does).
/// </summary>
internal static class NaiveCka
{
    public static double[,] Gram(double[] rows, int n, int p)
    {
        var k = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                var s = 0.0;
                for (var f = 0; f < p; f++) s += rows[i * p + f] * rows[j * p + f];
                k[i, j] = s;
            }
        return k;
    }

    public static double Biased(double[,] k, double[,] l) =>
        BiasedHsic(k, l) / Math.Sqrt(BiasedHsic(k, k) * BiasedHsic(l, l));

    public static double Debiased(double[,] k, double[,] l) =>
        UnbiasedHsic(k, l) / Math.Sqrt(UnbiasedHsic(k, k) * UnbiasedHsic(l, l));

    /// <summary>tr(K H L H) / (n − 1)² with H = I − 11ᵀ/n.</summary>
    public static double BiasedHsic(double[,] k, double[,] l)
    {
        var n = k.GetLength(0);
        var h = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                h[i, j] = (i == j ? 1.0 : 0.0) - 1.0 / n;
        var product = Multiply(Multiply(Multiply(k, h), l), h);
        var trace = 0.0;
        for (var i = 0; i < n; i++) trace += product[i, i];
        return trace / ((n - 1.0) * (n - 1.0));
    }

    /// <summary>
    /// [tr(K̃L̃) + (1ᵀK̃1)(1ᵀL̃1)/((n−1)(n−2)) − 2/(n−2)·1ᵀK̃L̃1] / (n(n−3)), with K̃, L̃ the Grams with zero diagonals.
    /// </summary>
    public static double UnbiasedHsic(double[,] k, double[,] l)
    {
        var n = k.GetLength(0);
        var kt = ZeroDiagonal(k);
        var lt = ZeroDiagonal(l);
        var kl = Multiply(kt, lt);
        double trace = 0, sumK = 0, sumL = 0, sumKl = 0;
        for (var i = 0; i < n; i++)
        {
            trace += kl[i, i];
            for (var j = 0; j < n; j++)
            {
                sumK += kt[i, j];
                sumL += lt[i, j];
                sumKl += kl[i, j];
            }
        }
        return (trace + sumK * sumL / ((n - 1.0) * (n - 2.0)) - 2.0 / (n - 2.0) * sumKl) / (n * (n - 3.0));
    }

    public static double[,] Multiply(double[,] a, double[,] b)
    {
        int n = a.GetLength(0), m = a.GetLength(1), q = b.GetLength(1);
        var c = new double[n, q];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < q; j++)
            {
                var s = 0.0;
                for (var t = 0; t < m; t++) s += a[i, t] * b[t, j];
                c[i, j] = s;
            }
        return c;
    }

    private static double[,] ZeroDiagonal(double[,] k)
    {
        var copy = (double[,])k.Clone();
        for (var i = 0; i < k.GetLength(0); i++) copy[i, i] = 0;
        return copy;
    }
}
