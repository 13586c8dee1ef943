using Repro.Similarity;
using Repro.Torch;

namespace Repro.Tests.Similarity;

public class GramCacheTests
{
    private string directory = "";

    [SetUp]
    public void CreateDirectory() => directory = Directory.CreateTempSubdirectory("gram-cache-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(directory, recursive: true);

    private static GramCacheKey Key(int n) =>
        new("U-Real seed 0 (weights 1a2b)", [0, 1, 2, 3], 32, 32, Enumerable.Range(0, n).Select(i => $"bdd/test/{i:D5}.jpg").ToList());

    [Test]
    public void ASavedCacheLoadsAsCenteredGramsWithTheSameCka()
    {
        using var scope = torch.NewDisposeScope();
        var (a, b, _, _) = SyntheticGrams.Make(n: 20);
        using (a) using (b)
        {
            var path = Path.Combine(directory, "a.grams");
            GramCache.Save(path, Key(20), a);
            using var loaded = GramCache.Load(path, Key(20));
            Assert.That(loaded.IsCentered, Is.True);
            Assert.That(loaded.Layers, Is.EqualTo(a.Layers));
            foreach (var layer in a.Layers)
                Assert.That(loaded[layer].equal(LinearCka.CenterGram(a[layer])), Is.True, $"layer {layer}");
            var fromRaw = CkaComparison.PerLayer(a, b);
            var fromCache = CkaComparison.PerLayer(loaded, b);
            for (var i = 0; i < fromRaw.Count; i++) Assert.That(fromCache[i].Cka, Is.EqualTo(fromRaw[i].Cka).Within(1e-12));
        }
    }

    [Test]
    public void AMismatchedCacheIsRefusedNamingTheField()
    {
        using var scope = torch.NewDisposeScope();
        var (a, b, _, _) = SyntheticGrams.Make(n: 20);
        using (a) using (b)
        {
            var path = Path.Combine(directory, "a.grams");
            GramCache.Save(path, Key(20), a);
            var key = Key(20);
            Assert.That(() => GramCache.Load(path, key with { Model = "U-Synthetic" }), Throws.TypeOf<InvalidDataException>().With.Message.Contains("model").And.Message.Contains("a.grams"));
            Assert.That(() => GramCache.Load(path, key with { Layers = [0, 1] }), Throws.TypeOf<InvalidDataException>().With.Message.Contains("layers"));
            Assert.That(() => GramCache.Load(path, key with { InputHeight = 64, InputWidth = 64 }), Throws.TypeOf<InvalidDataException>().With.Message.Contains("input size"));
            var otherImages = key.ImageIds.ToList();
            (otherImages[0], otherImages[1]) = (otherImages[1], otherImages[0]);
            Assert.That(() => GramCache.Load(path, key with { ImageIds = otherImages }), Throws.TypeOf<InvalidDataException>().With.Message.Contains("image set"));
        }
    }

    [Test]
    public void LoadOrComputeComputesOnceThenReads()
    {
        using var scope = torch.NewDisposeScope();
        var path = Path.Combine(directory, "a.grams");
        var calls = 0;
        GramSet Compute()
        {
            calls++;
            var (a, b, _, _) = SyntheticGrams.Make(n: 20);
            b.Dispose();
            return a;
        }
        using (GramCache.LoadOrCompute(path, Key(20), Compute)) { }
        using var second = GramCache.LoadOrCompute(path, Key(20), Compute);
        Assert.That(calls, Is.EqualTo(1));
        Assert.That(second.Examples, Is.EqualTo(20));
    }

    [Test]
    public void AForeignTensorFileIsNotACache()
    {
        using var scope = torch.NewDisposeScope();
        var path = Path.Combine(directory, "weights.bin");
        Repro.Torch.IO.TensorFile.Save(path, [new("conv.weight", torch.zeros([2, 2]))]);
        Assert.That(() => GramCache.Load(path, Key(20)), Throws.TypeOf<InvalidDataException>().With.Message.Contains("not a Gram cache"));
    }
}
