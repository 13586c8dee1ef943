using Repro.Similarity;

namespace Repro.Tests.Similarity;

public class LayerSegmentsTests
{
    private static readonly LayerSegments Segments = LayerSegments.YoloV3Blocks;

    private static double[,] RandomMap(int seed)
    {
        var random = new Random(seed);
        var map = new double[107, 107];
        for (var i = 0; i < 107; i++)
            for (var j = 0; j < 107; j++) map[i, j] = random.NextDouble();
        return map;
    }

    /// <summary>The mean of the map over rows in one layer set and columns in another, straight from the map.</summary>
    private static double BruteMean(double[,] map, int[] rows, int[] columns) => rows.SelectMany(i => columns.Select(j => map[i, j])).Average();

    private static int[] Layers(int first, int last) => Enumerable.Range(first, last - first + 1).ToArray();

    [Test]
    public void TheYoloV3SegmentsAreThePapersBlocksAndTheLayersBetweenThem()
    {
        Assert.That(Enumerable.Range(0, Segments.Count).Select(s => $"{Segments.Starts[s]}-{Segments.End(s) - 1}"),
            Is.EqualTo(new[] { "0-12", "13-13", "14-37", "38-41", "42-61", "62-74", "75-84", "85-96", "97-106" }));
        Assert.That(Enumerable.Range(0, Segments.Count).Sum(Segments.Size), Is.EqualTo(107));
    }

    [Test]
    public void EachTileIsTheMeanOfItsLayers()
    {
        var map = RandomMap(1);
        var tiles = Segments.TileMeans(map);
        Assert.That(tiles, Has.Length.EqualTo(81));
        for (var s = 0; s < Segments.Count; s++)
            for (var t = 0; t < Segments.Count; t++)
                Assert.That(tiles[s * 9 + t], Is.EqualTo(BruteMean(map, Layers(Segments.Starts[s], Segments.End(s) - 1), Layers(Segments.Starts[t], Segments.End(t) - 1))).Within(1e-14), $"tile {s},{t}");
    }

    [Test]
    public void AMeanOverUnionsOfSegmentsIsTheMeanOverTheirLayers()
    {
        // Within 14–37 ∪ 42–61, and between it and 0–12 ∪ 97–106: unequal segment sizes, so a plain mean of tiles would be wrong.
        var map = RandomMap(2);
        var tiles = Segments.TileMeans(map);
        var (rows, columns) = (Layers(14, 37).Concat(Layers(42, 61)).ToArray(), Layers(0, 12).Concat(Layers(97, 106)).ToArray());
        Assert.That(Segments.Mean(tiles, Segments.Covering(rows), Segments.Covering(rows)), Is.EqualTo(BruteMean(map, rows, rows)).Within(1e-14));
        Assert.That(Segments.Mean(tiles, Segments.Covering(rows), Segments.Covering(columns)), Is.EqualTo(BruteMean(map, rows, columns)).Within(1e-14));
    }

    [Test]
    public void LayersThatAreNoUnionOfSegmentsAreAnError()
    {
        Assert.That(Segments.Covering(Layers(0, 13)), Is.EqualTo(new[] { 0, 1 }));
        var e = Assert.Throws<ArgumentException>(() => Segments.Covering(Layers(0, 11)));
        Assert.That(e!.Message, Does.Contain("not a union of the segments"));
        Assert.Throws<ArgumentException>(() => Segments.Covering(Layers(5, 20)));
    }

    [Test]
    public void BadSegmentsAndMapsOfAnotherSizeAreErrors()
    {
        Assert.Throws<ArgumentException>(() => new LayerSegments([1, 5], 10));
        Assert.Throws<ArgumentException>(() => new LayerSegments([0, 5, 5], 10));
        Assert.Throws<ArgumentException>(() => new LayerSegments([0, 10], 10));
        Assert.Throws<ArgumentException>(() => Segments.TileMeans(new double[106, 107]));
    }
}
