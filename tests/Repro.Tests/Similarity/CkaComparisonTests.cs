using Repro.Models;
using Repro.Similarity;
using Repro.Torch;

namespace Repro.Tests.Similarity;

public class CkaComparisonTests
{
    [Test]
    public void PerLayerAndMatrixEntriesEqualPairwiseCka([Values] bool debiased)
    {
        using var scope = torch.NewDisposeScope();
        var (a, b, xa, xb) = SyntheticGrams.Make(n: 40);
        using (a)
        using (b)
        {
            var perLayer = CkaComparison.PerLayer(a, b, debiased);
            var matrix = CkaComparison.LayerByLayer(a, b, debiased);
            Assert.That(perLayer.Select(p => p.Layer), Is.EqualTo(new[] { 0, 1, 2, 3 }));
            for (var i = 0; i < 4; i++)
            {
                Assert.That(perLayer[i].Cka, Is.EqualTo(LinearCka.FromActivations(xa[i], xb[i], debiased)).Within(1e-12));
                for (var j = 0; j < 4; j++)
                    Assert.That(matrix.Values[i, j], Is.EqualTo(LinearCka.FromActivations(xa[i], xb[j], debiased)).Within(1e-12), $"({i}, {j})");
            }
            Assert.That(perLayer[0].Cka, Is.GreaterThan(perLayer[3].Cka), "noise grows with depth");
        }
    }

    [Test]
    public void AModelAgainstItselfHasAUnitDiagonalAndASymmetricMap()
    {
        using var scope = torch.NewDisposeScope();
        var (a, b, _, _) = SyntheticGrams.Make(n: 30);
        using (a)
        using (b)
        {
            var matrix = CkaComparison.LayerByLayer(a, a);
            for (var i = 0; i < 4; i++)
            {
                Assert.That(matrix.Values[i, i], Is.EqualTo(1.0).Within(1e-12));
                for (var j = 0; j < 4; j++) Assert.That(matrix.Values[i, j], Is.EqualTo(matrix.Values[j, i]).Within(1e-14));
            }
        }
    }

    [Test]
    public void MeansAverageTheLayersOfEachRange()
    {
        var perLayer = new[] { new LayerCka(0, 0.9), new LayerCka(1, 0.7), new LayerCka(2, 0.2), new LayerCka(3, 0.4) };
        var means = CkaComparison.Means(perLayer, [new NamedLayerRange("all", new(0, 3)), new NamedLayerRange("front", new(0, 1)), new NamedLayerRange("back", new(2, 3)), new NamedLayerRange("none", new(7, 9))]);
        Assert.That(means.Select(m => m.Mean).Take(3), Is.EqualTo(new[] { 0.55, 0.8, 0.3 }).Within(1e-15));
        Assert.That(means.Select(m => m.Layers), Is.EqualTo(new[] { 4, 2, 2, 0 }));
        Assert.That(means[3].Mean, Is.NaN);
    }

    [Test]
    public void PaperRangesAreTheTable5Ones()
    {
        var ranges = NamedLayerRange.YoloV3Parts;
        Assert.That(ranges.Select(r => (r.Name, r.Range.First, r.Range.Last)), Is.EqualTo(new[] { ("all", 0, 106), ("backbone", 0, 74), ("head", 75, 106) }));
    }

    [Test]
    public void CsvFilesHoldTheValuesAndEmptyIntervalsWhenNoBootstrapRan()
    {
        using var scope = torch.NewDisposeScope();
        var directory = Directory.CreateTempSubdirectory("cka-csv-").FullName;
        try
        {
            var (a, b, _, _) = SyntheticGrams.Make(n: 20, layers: 2);
            using (a)
            using (b)
            {
                var perLayer = CkaComparison.PerLayer(a, b);
                SimilarityCsv.WritePerLayer(Path.Combine(directory, "layers.csv"), perLayer);
                SimilarityCsv.WriteMatrix(Path.Combine(directory, "matrix.csv"), CkaComparison.LayerByLayer(a, b));
                SimilarityCsv.WriteMeans(Path.Combine(directory, "means.csv"), CkaComparison.Means(perLayer, [new NamedLayerRange("all", new(0, 1))]));
                var layers = File.ReadAllLines(Path.Combine(directory, "layers.csv"));
                Assert.That(layers[0], Is.EqualTo("layer,cka,ci_lower,ci_upper"));
                Assert.That(layers[1], Is.EqualTo($"0,{perLayer[0].Cka:R},,"));
                var matrix = File.ReadAllLines(Path.Combine(directory, "matrix.csv"));
                Assert.That(matrix, Has.Length.EqualTo(3));
                Assert.That(matrix[0], Is.EqualTo("layer,0,1"));
                Assert.That(double.Parse(matrix[2].Split(',')[2], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(perLayer[1].Cka).Within(1e-12));
                var means = File.ReadAllLines(Path.Combine(directory, "means.csv"));
                Assert.That(means[1], Is.EqualTo($"all,0,1,2,{(perLayer[0].Cka + perLayer[1].Cka) / 2:R},,"));

                var statistics = new ActivationStatistics();
                statistics.Add([1f, float.NaN, -2f, 0f]);
                SimilarityCsv.WriteStatistics(Path.Combine(directory, "stats.csv"), [("all", statistics)]);
                var stats = File.ReadAllLines(Path.Combine(directory, "stats.csv"));
                Assert.That(stats, Has.Length.EqualTo(2));
                Assert.That(stats[0], Is.EqualTo("layer,count,mean,std,min,max,median,median_error_bound,fraction_zeros,fraction_negatives,non_finite"));
                var cells = stats[1].Split(',');
                Assert.That(cells.Take(2).Concat(cells.Skip(4).Take(4)).Append(cells[10]), Is.EqualTo(new[] { "all", "3", "-2", "1", "0", "0", "1" }));
                var numbers = cells.Skip(2).Take(2).Concat(cells.Skip(8).Take(2)).Select(c => double.Parse(c, System.Globalization.CultureInfo.InvariantCulture));
                // -2, 0, 1 (NaN left out): mean -1/3, population variance 14/9, one zero and one negative in three.
                Assert.That(numbers, Is.EqualTo(new[] { -1.0 / 3, Math.Sqrt(14.0 / 9), 1.0 / 3, 1.0 / 3 }).Within(1e-15));
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
