using Repro.Similarity;

namespace Repro.Tests.Similarity;

/// <summary>
/// The generator of the checked-in fixtures Fixtures/X.npy (50 × 30) and Fixtures/Y.npy (50 × 20), float64.
/// X is standard normal; Y mixes a random linear map of X, a squared term and noise, so CKA(X, Y) is well inside
/// (0, 1). Only System.Random (seeded, whose sequence .NET keeps stable for a given seed) and Box–Muller are used,
/// so the files do not depend on libtorch. The files were written once with <see cref="WriteTo"/>;
/// <c>FixtureTests</c> checks they still equal this generator's output byte for byte.
/// </summary>
internal static class SimilarityFixtures
{
    public const int Examples = 50, XFeatures = 30, YFeatures = 20, Seed = 20190514;

    public static string Directory => Path.Combine(TestContext.CurrentContext.TestDirectory, "Similarity", "Fixtures");

    public static (double[] X, double[] Y) Generate()
    {
        var random = new Random(Seed);
        var x = Normals(random, Examples * XFeatures);
        var w = Normals(random, XFeatures * YFeatures);
        var noise = Normals(random, Examples * YFeatures);
        var y = new double[Examples * YFeatures];
        for (var i = 0; i < Examples; i++)
            for (var j = 0; j < YFeatures; j++)
            {
                var sum = 0.0;
                for (var k = 0; k < XFeatures; k++) sum += x[i * XFeatures + k] * w[k * YFeatures + j];
                var xij = x[i * XFeatures + j];
                y[i * YFeatures + j] = sum / Math.Sqrt(XFeatures) + 0.5 * xij * xij + 0.8 * noise[i * YFeatures + j];
            }
        return (x, y);
    }

    public static void WriteTo(string directory)
    {
        var (x, y) = Generate();
        NpyFile.Write(Path.Combine(directory, "X.npy"), x, Examples, XFeatures);
        NpyFile.Write(Path.Combine(directory, "Y.npy"), y, Examples, YFeatures);
    }

    /// <summary>Standard normal numbers by the Box–Muller transform.</summary>
    public static double[] Normals(Random random, int count)
    {
        var result = new double[count];
        for (var i = 0; i < count; i += 2)
        {
            var u1 = 1.0 - random.NextDouble(); // in (0, 1], so the log is finite
            var u2 = random.NextDouble();
            var radius = Math.Sqrt(-2.0 * Math.Log(u1));
            result[i] = radius * Math.Cos(2 * Math.PI * u2);
            if (i + 1 < count) result[i + 1] = radius * Math.Sin(2 * Math.PI * u2);
        }
        return result;
    }
}
