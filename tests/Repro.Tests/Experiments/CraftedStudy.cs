using Repro.Experiments.Claims;
using static Repro.Experiments.Claims.StudyModels;

namespace Repro.Tests.Experiments;

/// <summary>
/// Hand-made study results shaped like the paper's (every claim holds), with knobs to break one claim at a time.
/// The curve: 0.95 in layers 0–12, 0.8 to 37, 0.6 to 61, 0.25 in 62–85 (0.1 at the detection layers and the
/// convs before them), 0.4 in the rest of the head, +0.02 at shortcut layers and 0.5 at routes 86 and 98. Three
/// seeds; across seeds (both ways round) layers 0–12 are 0.1 lower. The control, every model against the untrained
/// network: CKA falling from 0.95 at layer 0 to about 0.05 by layer 30, no peaks, no blocks, mAP 0. No bootstrap
/// replicates unless <see cref="AddReplicates"/> adds them.
/// </summary>
internal sealed class CraftedStudy
{
    public const string Untrained = Repro.Experiments.Stages.AnalyzeStage.Untrained;
    public static readonly int[] Seeds = [0, 1, 2];
    public static readonly (string A, string B)[] Comparisons = [(UReal, USynthetic), (UReal, FSynthetic), (USynthetic, FSynthetic)];

    public readonly Dictionary<(string A, int SA, string B, int SB, int Size), double[]> Curves = new();
    public readonly List<LayerMatrix> Matrices = [];
    public readonly List<MapResult> Maps = [];
    public readonly List<ModelActivations> Activations = [];

    public static double[] BaseCurve()
    {
        var kinds = LayerKinds.YoloV3;
        var c = new double[107];
        for (var l = 0; l < 107; l++)
        {
            c[l] = l <= 12 ? 0.95 : l <= 37 ? 0.8 : l <= 61 ? 0.6 : l <= 85 ? 0.25 : 0.4;
            if (kinds.Shortcut.Contains(l)) c[l] += 0.02;
        }
        foreach (var l in new[] { 81, 82, 93, 94, 105, 106 }) c[l] = 0.1;
        c[86] = c[98] = 0.5;
        return c;
    }

    public static double[] UntrainedCurve() => Enumerable.Range(0, 107).Select(l => 0.05 + 0.9 * Math.Exp(-l / 6.0)).ToArray();

    public CraftedStudy()
    {
        foreach (var seed in Seeds)
            foreach (var size in new[] { 32, 64, 128 })
                foreach (var (a, b) in Comparisons)
                {
                    var shift = (b == FSynthetic && a == UReal ? 0.005 : a == USynthetic ? 0.15 : 0) + (seed == 1 ? 0.005 : 0) + size * 1e-5;
                    Curves[(a, seed, b, seed, size)] = BaseCurve().Select(v => Math.Min(1, v + shift)).ToArray();
                }
        foreach (var s in Seeds)
            foreach (var t in Seeds.Where(t => t != s))
                foreach (var (a, b) in Comparisons)
                    Curves[(a, s, b, t, 32)] = BaseCurve().Select((v, l) => l <= 12 ? v - 0.1 : v).ToArray();
        foreach (var s in Seeds)
            foreach (var t in Seeds)
                foreach (var model in StudyModels.All)
                    foreach (var size in s == t ? new[] { 32, 64, 128 } : [32])
                        Curves[(model, s, Untrained, t, size)] = UntrainedCurve();

        var blocks = new[] { (0, 12), (14, 37), (42, 61), (62, 74), (75, 84), (85, 96), (97, 106) };
        int? BlockOf(int l) => blocks.Select((b, i) => (b, i)).Where(x => l >= x.b.Item1 && l <= x.b.Item2).Select(x => (int?)x.i).FirstOrDefault();
        foreach (var seed in Seeds)
            foreach (var (a, b) in Comparisons)
            {
                var m = new double[107, 107];
                for (var i = 0; i < 107; i++)
                    for (var j = 0; j < 107; j++)
                        m[i, j] = BlockOf(i) is { } bi && bi == BlockOf(j) ? 0.9 : 0.2;
                Matrices.Add(new LayerMatrix(a, seed, b, seed, 32, m));
            }
        foreach (var seed in Seeds)
            foreach (var model in StudyModels.All)
            {
                var flat = new double[107, 107];
                for (var i = 0; i < 107; i++)
                    for (var j = 0; j < 107; j++)
                        flat[i, j] = 0.3;
                Matrices.Add(new LayerMatrix(model, seed, Untrained, seed, 32, flat));
            }

        foreach (var seed in Seeds)
        {
            Maps.AddRange([
                new(UReal, seed, "real", 0.43), new(UReal, seed, "synthetic", 0.44),
                new(USynthetic, seed, "real", 0.12), new(USynthetic, seed, "synthetic", 0.89),
                new(FSynthetic, seed, "real", 0.12), new(FSynthetic, seed, "synthetic", 0.88),
            ]);
            Activations.AddRange([
                new(UReal, seed, 32, new(1000, 0.5, 1.2, -3, 40, 0.1, 0, 0.02, 0.4)),
                new(USynthetic, seed, 32, new(1000, 0.8, 1.9, -4, 60, 0.2, 0, 0.01, 0.3)),
                new(FSynthetic, seed, 32, new(1000, 0.78, 1.85, -4, 58, 0.19, 0, 0.01, 0.31)),
            ]);
        }
    }

    public void EditSameSeedCurves(Func<(string A, string B), int, double[], double[]> edit, int size = 32)
    {
        foreach (var key in Curves.Keys.Where(k => k.SA == k.SB && k.Size == size).ToList())
            Curves[key] = edit((key.A, key.B), key.SA, Curves[key]);
    }

    public readonly Dictionary<ComparisonKey, double[][]> Replicates = new();

    /// <summary>
    /// R bootstrap replicates of every curve: the curve plus independent normal noise of standard deviation
    /// <paramref name="spread"/> per comparison, replicate and layer (seeded).
    /// </summary>
    public CraftedStudy AddReplicates(double spread, int count = 200, int seed = 3)
    {
        var random = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        foreach (var (key, curve) in Curves)
            Replicates[new ComparisonKey(key.A, key.SA, key.B, key.SB, key.Size)] =
                Enumerable.Range(0, count).Select(_ => curve.Select(v => v + spread * Normal()).ToArray()).ToArray();
        return this;
    }

    public StudyResults ToResults() => new(
        Curves.SelectMany(kv => kv.Value.Select((v, l) => new LayerCka(kv.Key.A, kv.Key.SA, kv.Key.B, kv.Key.SB, kv.Key.Size, l, v))).ToList(),
        Matrices, Maps, Activations, Seeds, LayerKinds.YoloV3) { CkaReplicates = Replicates };
}
