using Repro.Torch;

namespace Repro.Similarity;

/// <summary>
/// Linear centered kernel alignment (Kornblith et al., 2019, "Similarity of Neural Network Representations
/// Revisited"), one formula per function, in float64 on libtorch. Rows are examples: X is n × p, Y is n × q;
/// a Gram matrix is n × n. The biased estimator (HSIC with the centering matrix H = I − 11ᵀ/n) is the paper's;
/// the debiased one uses U-centering (Song et al., 2012) and needs n ≥ 4.
/// Every function returns new tensors owned by the caller; inputs are never modified.
/// </summary>
public static class LinearCka
{
    /// <summary>K = X·Xᵀ of the flattened rows (any float dtype in, float64 out, on X's device).</summary>
    public static Tensor GramLinear(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var rows = Rows(x);
        return rows.matmul(rows.t()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// H·K·H: subtracts row and column means and adds back the grand mean (the biased HSIC's centering). Works on a
    /// stack of Grams too (… × n × n).
    /// </summary>
    public static Tensor CenterGram(Tensor gram)
    {
        RequireSquare(gram);
        using var scope = torch.NewDisposeScope();
        var k = gram.@double();
        var columnMeans = k.mean(-2, keepdim: true);
        var rowMeans = k.mean(-1, keepdim: true);
        return (k - columnMeans - rowMeans + k.mean([-2, -1], keepdim: true)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// U-centering: with the diagonal set to zero, K̃ᵢⱼ = Kᵢⱼ − rᵢ/(n−2) − rⱼ/(n−2) + s/((n−1)(n−2)) off the diagonal
    /// (rᵢ the row sums, s the total) and 0 on it, so that ⟨K̃, L̃⟩/(n(n−3)) is the unbiased HSIC estimator.
    /// Works on a stack of Grams too (… × n × n).
    /// </summary>
    public static Tensor UCenterGram(Tensor gram)
    {
        RequireSquare(gram);
        var n = gram.size(-1);
        if (n < 4) throw new ArgumentException($"debiased CKA needs at least 4 examples, got {n}", nameof(gram));
        using var scope = torch.NewDisposeScope();
        var offDiagonal = OffDiagonalMask(n, gram.device);
        var k = gram.@double() * offDiagonal;
        var rowSums = k.sum(-1, keepdim: true);
        var columnSums = k.sum(-2, keepdim: true);
        var centered = k - rowSums / (n - 2) - columnSums / (n - 2) + k.sum([-2, -1], keepdim: true) / ((n - 1) * (n - 2));
        return (centered * offDiagonal).MoveToOuterDisposeScope();
    }

    /// <summary>⟨K, L⟩ / (‖K‖ ‖L‖) for Grams that are already centered (either way); NaN when one is zero.</summary>
    public static double FromCenteredGrams(Tensor centeredK, Tensor centeredL)
    {
        if (!centeredK.shape.SequenceEqual(centeredL.shape))
            throw new ArgumentException($"Gram shapes differ: [{string.Join(", ", centeredK.shape)}] vs [{string.Join(", ", centeredL.shape)}]");
        using var scope = torch.NewDisposeScope();
        var k = centeredK.@double();
        var l = centeredL.@double();
        var cross = (k * l).sum().item();
        var normK = (k * k).sum().item();
        var normL = (l * l).sum().item();
        return cross / Math.Sqrt(normK * normL);
    }

    /// <summary>CKA of each pair of a stack of centered Grams (L × n × n each): an L-vector.</summary>
    public static Tensor FromCenteredGramStacks(Tensor centeredK, Tensor centeredL)
    {
        using var scope = torch.NewDisposeScope();
        long[] square = [-2, -1];
        var cross = (centeredK * centeredL).sum(square);
        var normK = centeredK.square().sum(square);
        var normL = centeredL.square().sum(square);
        return (cross / (normK * normL).sqrt()).MoveToOuterDisposeScope();
    }

    /// <summary>Linear CKA from two uncentered (or centered) Grams of the same n examples.</summary>
    public static double FromGrams(Tensor k, Tensor l, bool debiased = false)
    {
        using var scope = torch.NewDisposeScope();
        return debiased
            ? FromCenteredGrams(UCenterGram(k), UCenterGram(l))
            : FromCenteredGrams(CenterGram(k), CenterGram(l));
    }

    /// <summary>
    /// Linear CKA in feature space: ‖YcᵀXc‖²_F / (‖XcᵀXc‖_F ‖YcᵀYc‖_F) with column-centered X and Y. Costs p·q·n, so
    /// it suits narrow layers; equal to <see cref="FromGrams"/> (biased) by the identity ⟨XXᵀ, YYᵀ⟩ = ‖YᵀX‖²_F.
    /// </summary>
    public static double FromFeatures(Tensor x, Tensor y)
    {
        if (x.size(0) != y.size(0)) throw new ArgumentException($"X has {x.size(0)} examples, Y has {y.size(0)}");
        using var scope = torch.NewDisposeScope();
        var xc = CenterColumns(Rows(x));
        var yc = CenterColumns(Rows(y));
        var cross = yc.t().matmul(xc).square().sum().item();
        var normX = xc.t().matmul(xc).square().sum().sqrt().item();
        var normY = yc.t().matmul(yc).square().sum().sqrt().item();
        return cross / (normX * normY);
    }

    /// <summary>Linear CKA between two activation arrays (first axis = examples), through their Grams.</summary>
    public static double FromActivations(Tensor x, Tensor y, bool debiased = false)
    {
        if (x.size(0) != y.size(0)) throw new ArgumentException($"X has {x.size(0)} examples, Y has {y.size(0)}");
        using var scope = torch.NewDisposeScope();
        return FromGrams(GramLinear(x), GramLinear(y), debiased);
    }

    private static Tensor Rows(Tensor x)
    {
        if (x.dim() < 1) throw new ArgumentException("activations need a first axis of examples");
        return x.reshape(x.size(0), -1).@double();
    }

    private static Tensor CenterColumns(Tensor x) => x - x.mean(0, keepdim: true);

    private static Tensor OffDiagonalMask(long n, Device device)
    {
        var index = torch.arange(n, device: device);
        return index.unsqueeze(1).ne(index.unsqueeze(0)).@double();
    }

    private static void RequireSquare(Tensor gram)
    {
        var s = gram.shape;
        if (s.Length < 2 || s[^1] != s[^2]) throw new ArgumentException($"a Gram matrix is n × n, got [{string.Join(", ", s)}]");
    }
}
