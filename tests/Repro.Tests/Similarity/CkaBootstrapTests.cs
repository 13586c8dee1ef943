using Repro.Models;
using Repro.Statistics;
using Repro.Similarity;
using Repro.Torch;

namespace Repro.Tests.Similarity;

public class CkaBootstrapTests
{
    private static readonly BootstrapOptions Options = new(Replicates: 200, Level: 0.9, Seed: 4);
    private static readonly NamedLayerRange[] Ranges = [new("all", new(0, 3)), new("front", new(0, 1))];

    [Test]
    public void IntervalsNarrowAsImagesGrowAndStayWithinZeroAndOne()
    {
        using var scope = torch.NewDisposeScope();
        double Width(BootstrapResult r, int layer) => r.PerLayer[layer].Cka.Upper - r.PerLayer[layer].Cka.Lower;
        var (a, b, _, _) = SyntheticGrams.Make(n: 30);
        var (bigA, bigB, _, _) = SyntheticGrams.Make(n: 300);
        using (a) using (b) using (bigA) using (bigB)
        {
            var small = CkaBootstrap.Run(a, b, Options, Ranges);
            var large = CkaBootstrap.Run(bigA, bigB, Options, Ranges);
            foreach (var result in new[] { small, large })
                foreach (var e in result.PerLayer.Select(p => p.Cka).Concat(result.Means.Select(m => m.Mean)))
                {
                    Assert.That(e.Lower, Is.InRange(0.0, 1.0));
                    Assert.That(e.Upper, Is.InRange(e.Lower, 1.0));
                }
            for (var layer = 0; layer < 4; layer++) Assert.That(Width(large, layer), Is.LessThan(Width(small, layer)), $"layer {layer}");
            Assert.That(large.Means[0].Mean.Upper - large.Means[0].Mean.Lower, Is.LessThan(small.Means[0].Mean.Upper - small.Means[0].Mean.Lower));
            Assert.That(large.Replicates, Has.Count.EqualTo(Options.Replicates));
            Assert.That(large.Jackknife, Is.Empty, "only BCa needs the jackknife");
        }
    }

    [Test]
    public void ResamplesInflateCkaWhichTheCentredIntervalTakesOut()
    {
        // Why the default centres the replicates: with repeated images a resample's CKA runs high.
        using var scope = torch.NewDisposeScope();
        var (a, b, _, _) = SyntheticGrams.Make(n: 30);
        using (a) using (b)
        {
            var plain = CkaBootstrap.Run(a, b, Options with { Method = IntervalMethod.Percentile }, Ranges).PerLayer[3].Cka;
            var centred = CkaBootstrap.Run(a, b, Options, Ranges).PerLayer[3].Cka;
            Assert.That((plain.Lower + plain.Upper) / 2, Is.GreaterThan(plain.Value));
            var shift = plain.Upper - centred.Upper;
            Assert.That(shift, Is.GreaterThan(0));
            Assert.That(plain.Lower - centred.Lower, Is.EqualTo(shift).Within(1e-12), "a pure shift keeps the width");
            Assert.That(centred.Value, Is.InRange(centred.Lower, centred.Upper));
        }
    }

    [Test]
    public void AJackknifeSampleEqualsCkaWithoutThatImage()
    {
        using var scope = torch.NewDisposeScope();
        var (a, b, xa, xb) = SyntheticGrams.Make(n: 25);
        using (a) using (b)
        {
            var result = CkaBootstrap.Run(a, b, Options with { Method = IntervalMethod.Bca }, Ranges);
            var kept = torch.tensor(Enumerable.Range(0, 25).Where(i => i != 7).Select(i => (long)i).ToArray());
            for (var l = 0; l < 4; l++)
                Assert.That(result.Jackknife[7][l], Is.EqualTo(LinearCka.FromActivations(xa[l].index_select(0, kept), xb[l].index_select(0, kept))).Within(1e-11));
        }
    }

    [Test]
    public void AReplicateEqualsCkaOfTheResampledActivations([Values] bool debiased)
    {
        using var scope = torch.NewDisposeScope();
        var (a, b, xa, xb) = SyntheticGrams.Make(n: 25);
        using (a) using (b)
        {
            var random = new Random(9);
            var indices = Enumerable.Range(0, 25).Select(_ => (long)random.Next(25)).ToArray();
            var index = torch.tensor(indices);
            var stackA = torch.stack(a.Layers.Select(l => a[l]).ToList());
            var stackB = torch.stack(b.Layers.Select(l => b[l]).ToList());
            var replicate = CkaBootstrap.ReplicateCka(stackA, stackB, index, debiased).ToArray<double>();
            for (var l = 0; l < 4; l++)
            {
                var expected = LinearCka.FromActivations(xa[l].index_select(0, index), xb[l].index_select(0, index), debiased);
                Assert.That(replicate[l], Is.EqualTo(expected).Within(1e-11), $"layer {l}");
            }
        }
    }

    [Test]
    public void WeightedReplicatesEqualTheGatherPath()
    {
        using var scope = torch.NewDisposeScope();
        var (a, b, _, _) = SyntheticGrams.Make(n: 25);
        using (a) using (b)
        {
            var stackA = torch.stack(a.Layers.Select(l => a[l]).ToList());
            var stackB = torch.stack(b.Layers.Select(l => b[l]).ToList());
            var random = new Random(3);
            var draws = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, 25).Select(_ => (long)random.Next(25)).ToArray()).ToArray();
            var counts = new double[3 * 25];
            for (var r = 0; r < 3; r++) foreach (var i in draws[r]) counts[r * 25 + i]++;
            var weighted = CkaBootstrap.BiasedReplicates(stackA, stackB, torch.tensor(counts, 3, 25)).ToArray<double>();
            for (var r = 0; r < 3; r++)
            {
                var gathered = CkaBootstrap.ReplicateCka(stackA, stackB, torch.tensor(draws[r]), debiased: false).ToArray<double>();
                for (var l = 0; l < 4; l++) Assert.That(weighted[r * 4 + l], Is.EqualTo(gathered[l]).Within(1e-11), $"replicate {r}, layer {l}");
            }
        }
    }

    [Test]
    public void WeightedSegmentProductsEqualTheGatherPath()
    {
        // Two segments over four layers (sizes 1 and 3), three resamples of 25 images.
        using var scope = torch.NewDisposeScope();
        var (a, b, _, _) = SyntheticGrams.Make(n: 25);
        using (a) using (b)
        {
            var stackA = torch.stack(a.Layers.Select(l => a[l]).ToList());
            var stackB = torch.stack(b.Layers.Select(l => b[l]).ToList());
            var membership = torch.tensor(CkaBootstrap.Membership(new LayerSegments([0, 1], 4)), 2, 4);
            var draws = CkaBootstrap.Draws(new BootstrapOptions(Replicates: 3, Seed: 3), 25);
            var weighted = CkaBootstrap.WeightedSegmentProducts(stackA, stackB, membership, CkaBootstrap.Counts(draws, 25)).ToArray<double>();
            var gathered = CkaBootstrap.GatheredSegmentProducts(stackA, stackB, membership, draws, debiased: false).ToArray<double>();
            Assert.That(weighted, Has.Length.EqualTo(3 * 2 * 2));
            Assert.That(weighted, Is.EqualTo(gathered).Within(1e-11));
        }
    }

    [Test]
    public void CenteredGramsGiveTheSameIntervalsAsRawOnes([Values] bool debiased)
    {
        using var scope = torch.NewDisposeScope();
        var (a, b, _, _) = SyntheticGrams.Make(n: 30);
        using (a) using (b)
        using (var ca = a.Centered())
        using (var cb = b.Centered())
        {
            var raw = CkaBootstrap.Run(a, b, Options, Ranges, debiased);
            var centered = CkaBootstrap.Run(ca, cb, Options, Ranges, debiased);
            for (var l = 0; l < 4; l++)
            {
                Assert.That(centered.PerLayer[l].Cka.Lower, Is.EqualTo(raw.PerLayer[l].Cka.Lower).Within(1e-10));
                Assert.That(centered.PerLayer[l].Cka.Upper, Is.EqualTo(raw.PerLayer[l].Cka.Upper).Within(1e-10));
            }
        }
    }

    [Test]
    public void TheSeedFixesTheIntervals()
    {
        using var scope = torch.NewDisposeScope();
        var (a, b, _, _) = SyntheticGrams.Make(n: 30);
        using (a) using (b)
        {
            var first = CkaBootstrap.Run(a, b, Options, Ranges);
            var again = CkaBootstrap.Run(a, b, Options, Ranges);
            var other = CkaBootstrap.Run(a, b, Options with { Seed = 5 }, Ranges);
            Assert.That(again.PerLayer.Select(p => p.Cka), Is.EqualTo(first.PerLayer.Select(p => p.Cka)));
            Assert.That(other.PerLayer.Select(p => p.Cka.Lower), Is.Not.EqualTo(first.PerLayer.Select(p => p.Cka.Lower)));
        }
    }

    [Test]
    public void QuantilesInterpolateBetweenOrderStatistics()
    {
        double[] sorted = [1, 2, 3, 4, 5];
        Assert.That(BootstrapInterval.Quantile(sorted, 0.0), Is.EqualTo(1));
        Assert.That(BootstrapInterval.Quantile(sorted, 1.0), Is.EqualTo(5));
        Assert.That(BootstrapInterval.Quantile(sorted, 0.5), Is.EqualTo(3));
        Assert.That(BootstrapInterval.Quantile(sorted, 0.1), Is.EqualTo(1.4).Within(1e-15));
    }

    [Test]
    public void AMapsReplicatesAreTheTileMeansOfTheResampledImagesMapDrawnLikeThePerLayerReplicates([Values] bool debiased)
    {
        // 107 layers (the YOLOv3 segments cover them all), 10 images, 5 replicates. Reference: draw replicate 0's
        // images as CkaBootstrap documents (System.Random(seed), n draws of Next(n)), take those rows of every layer's
        // activations, and compute every layer pair's CKA with the loop implementation, in float64.
        using var scope = torch.NewDisposeScope();
        const int n = 10;
        var options = new BootstrapOptions(Replicates: 5, Seed: 7);
        var segments = LayerSegments.YoloV3Blocks;
        var (a, b, xa, xb) = SyntheticGrams.Make(n, layers: 107, seed: 2);
        using (a) using (b)
        {
            var tiles = CkaBootstrap.MapTileReplicates(a, b, segments, options, debiased);
            Assert.That(tiles, Has.Length.EqualTo(5));
            Assert.That(tiles, Has.All.Length.EqualTo(81));

            var random = new Random(options.Seed);
            var drawn = Enumerable.Range(0, n).Select(_ => random.Next(n)).ToArray();
            double[,] Gram(Tensor x)
            {
                var p = (int)x.size(1);
                var rows = x.ToArray<double>();
                return NaiveCka.Gram(drawn.SelectMany(i => rows.AsSpan(i * p, p).ToArray()).ToArray(), n, p);
            }
            var (ga, gb) = (Enumerable.Range(0, 107).Select(l => Gram(xa[l])).ToArray(), Enumerable.Range(0, 107).Select(l => Gram(xb[l])).ToArray());
            var map = new double[107, 107];
            for (var i = 0; i < 107; i++)
                for (var j = 0; j < 107; j++) map[i, j] = debiased ? NaiveCka.Debiased(ga[i], gb[j]) : NaiveCka.Biased(ga[i], gb[j]);
            Assert.That(tiles[0], Is.EqualTo(segments.TileMeans(map)).Within(1e-10));

            // Joint with the per-layer replicates: layer 13 is a segment of its own, so its diagonal tile is that
            // layer's CKA on the same resample, replicate by replicate.
            var perLayer = CkaBootstrap.Run(a, b, options, debiased: debiased);
            for (var r = 0; r < 5; r++) Assert.That(tiles[r][1 * 9 + 1], Is.EqualTo(perLayer.Replicates[r][13]).Within(1e-10), $"replicate {r}");
        }
    }
}
