using Repro.Torch;

namespace Repro.Tests.Similarity;

/// <summary>
/// Two representations with a known population CKA: X ~ N(0, Σₓ) with Σₓ = diag(λ), λⱼ = 1/(j+1) (a decaying
/// spectrum, as layer activations have), and Y = X·A + σ·E with E standard normal, A fixed by the seed. Then
/// Σₓᵧ = Σₓ·A and Σᵧ = AᵀΣₓA + σ²I, and linear CKA's population value (the n → ∞ limit of the biased estimator)
/// is ‖Σₓᵧ‖²_F / (‖Σₓ‖_F ‖Σᵧ‖_F) (Kornblith et al. 2019, with HSIC of linear kernels = ‖Cov(X, Y)‖²_F).
/// </summary>
internal sealed class GaussianPair
{
    private readonly double[] lambda;
    private readonly double[,] a;
    private readonly double noise;

    public GaussianPair(int p, int q, double noise, int seed)
    {
        var random = new Random(seed);
        lambda = Enumerable.Range(0, p).Select(j => 1.0 / (j + 1)).ToArray();
        a = new double[p, q];
        for (var i = 0; i < p; i++)
            for (var j = 0; j < q; j++)
                a[i, j] = Normal(random) / Math.Sqrt(p);
        this.noise = noise;
    }

    private int P => lambda.Length;
    private int Q => a.GetLength(1);

    public double PopulationCka()
    {
        var cross = 0.0; // ‖Σₓ·A‖²
        for (var i = 0; i < P; i++)
            for (var j = 0; j < Q; j++)
                cross += Math.Pow(lambda[i] * a[i, j], 2);
        var sigmaY = new double[Q, Q]; // AᵀΣₓA + σ²I
        for (var j = 0; j < Q; j++)
            for (var k = 0; k < Q; k++)
            {
                for (var i = 0; i < P; i++) sigmaY[j, k] += a[i, j] * lambda[i] * a[i, k];
                if (j == k) sigmaY[j, k] += noise * noise;
            }
        var normX = Math.Sqrt(lambda.Sum(l => l * l));
        var normY = Math.Sqrt(sigmaY.Cast<double>().Sum(v => v * v));
        return cross / (normX * normY);
    }

    /// <summary>n draws of (X, Y) as float64 tensors (n × p, n × q).</summary>
    public (Tensor X, Tensor Y) Sample(int n, Generator generator)
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.randn([n, P], generator, torch.float64) * torch.tensor(lambda.Select(Math.Sqrt).ToArray(), 1, P);
        var y = x.matmul(torch.tensor(a.Cast<double>().ToArray(), P, Q)) + torch.randn([n, Q], generator, torch.float64) * noise;
        return (x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope());
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
