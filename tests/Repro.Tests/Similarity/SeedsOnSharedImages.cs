using Repro.Similarity;
using Repro.Torch;

namespace Repro.Tests.Similarity;

/// <summary>
/// The study's layout in miniature, with known population CKA: several layers of several seeds' comparisons, all on
/// the same n images, with far more features than images. Image i has a latent uᵢ ~ N(0, Iₚ). Model A's
/// representation is X = u·diag(√λ), λⱼ = 1/(j+1) (a decaying spectrum), in every layer and seed; model B's layer l
/// of seed s is Y = X + σₗ·E with E = √ρ·Eₗ + √(1−ρ)·Fₛₗ, all standard normal: part ρ of the noise is the same for
/// every seed (what an image does to both trained networks alike), the rest is the seed's own. E is standard normal
/// whatever ρ, so layer l's population CKA is that of <see cref="GaussianPair"/> with A = I:
/// ‖Σₓ‖_F / ‖Σₓ + σₗ²I‖_F. Shared images (X, and Eₗ) make the seeds' CKA estimates move together, as the study's
/// do; that is what a joint resample has to reproduce. A diagonal map costs n·p per layer instead of n·p² and, CKA
/// being invariant to rotations, loses nothing a dense one would test.
/// </summary>
internal sealed class SeedsOnSharedImages
{
    private readonly double[] lambda;
    private readonly double[] noise;
    private readonly double shared;

    public SeedsOnSharedImages(int features, IReadOnlyList<double> noise, int seeds, double sharedNoise)
    {
        lambda = Enumerable.Range(0, features).Select(j => 1.0 / (j + 1)).ToArray();
        this.noise = noise.ToArray();
        Seeds = seeds;
        shared = sharedNoise;
    }

    public int Seeds { get; }

    public int Layers => noise.Length;

    /// <summary>‖Σₓ‖_F / ‖Σᵧ‖_F with Σᵧ = Σₓ + σ²I: ‖Σₓᵧ‖² = ‖Σₓ‖², since Σₓᵧ = Σₓ.</summary>
    public double PopulationCka(int layer)
    {
        var s2 = noise[layer] * noise[layer];
        return Math.Sqrt(lambda.Sum(l => l * l) / lambda.Sum(l => (l + s2) * (l + s2)));
    }

    /// <summary>One sample of n images: per seed, model A's and model B's Grams of every layer.</summary>
    public (GramSet A, GramSet B)[] Sample(int n, Generator generator)
    {
        using var scope = torch.NewDisposeScope();
        var p = lambda.Length;
        var x = torch.randn([n, p], generator, torch.float64) * torch.tensor(lambda.Select(Math.Sqrt).ToArray(), 1, p);
        var gramX = LinearCka.GramLinear(x);
        var gramsB = new Tensor[Seeds, Layers];
        for (var l = 0; l < Layers; l++)
        {
            var common = torch.randn([n, p], generator, torch.float64) * Math.Sqrt(shared);
            for (var s = 0; s < Seeds; s++)
            {
                var own = torch.randn([n, p], generator, torch.float64) * Math.Sqrt(1 - shared);
                gramsB[s, l] = LinearCka.GramLinear(x + (common + own) * noise[l]);
            }
        }
        return Enumerable.Range(0, Seeds).Select(s => (
            new GramSet(Enumerable.Range(0, Layers).Select(l => KeyValuePair.Create(l, gramX.clone())), isCentered: false),
            new GramSet(Enumerable.Range(0, Layers).Select(l => KeyValuePair.Create(l, gramsB[s, l])), isCentered: false))).ToArray();
    }
}
