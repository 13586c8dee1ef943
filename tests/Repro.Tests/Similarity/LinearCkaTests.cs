using Repro.Similarity;
using Repro.Torch;

namespace Repro.Tests.Similarity;

public class LinearCkaTests
{
    private static readonly (double[] X, double[] Y) Data = SimilarityFixtures.Generate();
    private const int N = SimilarityFixtures.Examples, P = SimilarityFixtures.XFeatures, Q = SimilarityFixtures.YFeatures;

    private static Tensor X() => torch.tensor(Data.X, N, P);
    private static Tensor Y() => torch.tensor(Data.Y, N, Q);

    [Test]
    public void CheckedInFixturesAreTheGeneratorsOutput()
    {
        using var scope = torch.NewDisposeScope();
        var x = NpyFile.ReadExamples(Path.Combine(SimilarityFixtures.Directory, "X.npy"));
        var y = NpyFile.ReadExamples(Path.Combine(SimilarityFixtures.Directory, "Y.npy"));
        Assert.That(x.shape, Is.EqualTo(new long[] { N, P }));
        Assert.That(y.shape, Is.EqualTo(new long[] { N, Q }));
        Assert.That(x.ToArray<double>(), Is.EqualTo(Data.X));
        Assert.That(y.ToArray<double>(), Is.EqualTo(Data.Y));
    }

    [Test]
    public void BiasedCkaOfTheFixturesMatchesTheLoopReference()
    {
        using var scope = torch.NewDisposeScope();
        var expected = NaiveCka.Biased(NaiveCka.Gram(Data.X, N, P), NaiveCka.Gram(Data.Y, N, Q));
        var actual = NpyCka.Compute(Path.Combine(SimilarityFixtures.Directory, "X.npy"), Path.Combine(SimilarityFixtures.Directory, "Y.npy"));
        Assert.That(expected, Is.InRange(0.2, 0.95), "the fixture should be neither independent nor identical");
        Assert.That(actual, Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void DebiasedCkaOfTheFixturesMatchesTheSongEtAlEstimator()
    {
        using var scope = torch.NewDisposeScope();
        var expected = NaiveCka.Debiased(NaiveCka.Gram(Data.X, N, P), NaiveCka.Gram(Data.Y, N, Q));
        var actual = NpyCka.Compute(Path.Combine(SimilarityFixtures.Directory, "X.npy"), Path.Combine(SimilarityFixtures.Directory, "Y.npy"), debiased: true);
        var biased = NaiveCka.Biased(NaiveCka.Gram(Data.X, N, P), NaiveCka.Gram(Data.Y, N, Q));
        Assert.That(actual, Is.EqualTo(expected).Within(1e-12));
        Assert.That(Math.Abs(actual - biased), Is.GreaterThan(1e-3), "with n = 50 the two estimators must differ");
    }

    [Test]
    public void GramMatrixIsTheLoopGram()
    {
        using var scope = torch.NewDisposeScope();
        var expected = NaiveCka.Gram(Data.X, N, P);
        var actual = LinearCka.GramLinear(X()).ToArray<double>();
        for (var i = 0; i < N; i++)
            for (var j = 0; j < N; j++)
                Assert.That(actual[i * N + j], Is.EqualTo(expected[i, j]).Within(1e-12 * Math.Max(1, Math.Abs(expected[i, j]))));
    }

    [Test]
    public void GramFormEqualsFeatureForm()
    {
        using var scope = torch.NewDisposeScope();
        var gramForm = LinearCka.FromActivations(X(), Y());
        var featureForm = LinearCka.FromFeatures(X(), Y());
        Assert.That(gramForm, Is.EqualTo(featureForm).Within(1e-10));
    }

    [Test]
    public void CkaOfARepresentationWithItselfIsOne([Values] bool debiased)
    {
        using var scope = torch.NewDisposeScope();
        Assert.That(LinearCka.FromActivations(X(), X(), debiased), Is.EqualTo(1.0).Within(1e-12));
        Assert.That(LinearCka.FromFeatures(Y(), Y()), Is.EqualTo(1.0).Within(1e-12));
    }

    [Test]
    public void CkaIsSymmetric([Values] bool debiased)
    {
        using var scope = torch.NewDisposeScope();
        Assert.That(LinearCka.FromActivations(X(), Y(), debiased), Is.EqualTo(LinearCka.FromActivations(Y(), X(), debiased)).Within(1e-14));
    }

    [Test]
    public void CkaIsInvariantToOrthogonalTransformsAndIsotropicScaling([Values] bool debiased)
    {
        using var scope = torch.NewDisposeScope();
        var reference = LinearCka.FromActivations(X(), Y(), debiased);
        var rotation = torch.tensor(RandomOrthogonal(P, seed: 7), P, P);
        var rotatedScaled = X().matmul(rotation) * 3.7;
        Assert.That(LinearCka.FromActivations(rotatedScaled, Y(), debiased), Is.EqualTo(reference).Within(1e-12));
        Assert.That(LinearCka.FromActivations(X(), Y() * 1e-3, debiased), Is.EqualTo(reference).Within(1e-12));
    }

    [Test]
    public void AGeneralInvertibleLinearMapChangesCka([Values] bool debiased)
    {
        using var scope = torch.NewDisposeScope();
        var reference = LinearCka.FromActivations(X(), Y(), debiased);
        // Stretch one direction a lot: invertible (diagonal, nonzero) but far from orthogonal.
        var stretch = new double[P * P];
        for (var i = 0; i < P; i++) stretch[i * P + i] = i == 0 ? 25.0 : 1.0;
        var mapped = X().matmul(torch.tensor(stretch, P, P));
        Assert.That(Math.Abs(LinearCka.FromActivations(mapped, Y(), debiased) - reference), Is.GreaterThan(0.01));
    }

    [Test]
    public void Float32InputsAgreeWithFloat64([Values] bool debiased)
    {
        using var scope = torch.NewDisposeScope();
        var reference = LinearCka.FromActivations(X(), Y(), debiased);
        var single = LinearCka.FromActivations(X().@float(), Y().@float(), debiased);
        Assert.That(single, Is.EqualTo(reference).Within(1e-6));
        Assert.That(single, Is.Not.EqualTo(reference), "float32 rounding of the inputs should show");
    }

    [Test]
    public void CenteredGramsGiveTheSameCkaAsRawOnes([Values] bool debiased)
    {
        // Centering (either kind) is idempotent here: the cache stores centered Grams and relies on this.
        using var scope = torch.NewDisposeScope();
        var k = LinearCka.GramLinear(X());
        var l = LinearCka.GramLinear(Y());
        var raw = LinearCka.FromGrams(k, l, debiased);
        Assert.That(LinearCka.FromGrams(LinearCka.CenterGram(k), LinearCka.CenterGram(l), debiased), Is.EqualTo(raw).Within(1e-12));
    }

    [Test]
    public void DebiasedCkaRefusesTooFewExamples()
    {
        using var scope = torch.NewDisposeScope();
        var three = torch.randn([3, 5], new Generator(1), torch.float64);
        Assert.That(() => LinearCka.FromActivations(three, three, debiased: true), Throws.ArgumentException.With.Message.Contains("at least 4"));
    }

    /// <summary>Gram–Schmidt on a seeded normal matrix: the columns of the result are orthonormal.</summary>
    internal static double[] RandomOrthogonal(int size, int seed)
    {
        var a = SimilarityFixtures.Normals(new Random(seed), size * size);
        for (var j = 0; j < size; j++)
        {
            for (var prior = 0; prior < j; prior++)
            {
                var dot = 0.0;
                for (var i = 0; i < size; i++) dot += a[i * size + j] * a[i * size + prior];
                for (var i = 0; i < size; i++) a[i * size + j] -= dot * a[i * size + prior];
            }
            var norm = 0.0;
            for (var i = 0; i < size; i++) norm += a[i * size + j] * a[i * size + j];
            norm = Math.Sqrt(norm);
            for (var i = 0; i < size; i++) a[i * size + j] /= norm;
        }
        return a;
    }
}
