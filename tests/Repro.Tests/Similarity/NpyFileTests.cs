using System.Text;
using Repro.Similarity;
using Repro.Torch;

namespace Repro.Tests.Similarity;

public class NpyFileTests
{
    private string directory = "";

    [SetUp]
    public void CreateDirectory() => directory = System.IO.Directory.CreateTempSubdirectory("npy-tests-").FullName;

    [TearDown]
    public void DeleteDirectory() => System.IO.Directory.Delete(directory, recursive: true);

    [Test]
    public void Float32ArraysRoundTripAndTrailingAxesAreFlattened()
    {
        using var scope = torch.NewDisposeScope();
        var path = Path.Combine(directory, "a.npy");
        var values = Enumerable.Range(0, 2 * 3 * 4).Select(i => i * 0.5f - 3).ToArray();
        NpyFile.Write(path, values, 2, 3, 4);
        var t = NpyFile.ReadExamples(path);
        Assert.That(t.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(t.shape, Is.EqualTo(new long[] { 2, 12 }));
        Assert.That(t.ToArray<float>(), Is.EqualTo(values));
    }

    [Test]
    public void OneDimensionalArraysAreOneFeaturePerExample()
    {
        using var scope = torch.NewDisposeScope();
        var path = Path.Combine(directory, "v.npy");
        NpyFile.Write(path, new double[] { 1, 2, 3 }, 3);
        Assert.That(NpyFile.ReadExamples(path).shape, Is.EqualTo(new long[] { 3, 1 }));
    }

    [Test]
    public void AMissingFileIsNamed() =>
        Assert.That(() => NpyFile.ReadExamples(Path.Combine(directory, "missing.npy")),
            Throws.TypeOf<FileNotFoundException>().With.Message.Contains("missing.npy"));

    [Test]
    public void AFileThatIsNotNpyIsRefused()
    {
        var path = Path.Combine(directory, "text.npy");
        File.WriteAllText(path, "hello, this is not an array");
        Assert.That(() => NpyFile.ReadExamples(path), Throws.TypeOf<InvalidDataException>().With.Message.Contains("text.npy").And.Message.Contains("magic"));
    }

    [TestCase("<i8", "unsupported dtype '<i8'")]
    [TestCase(">f8", "unsupported dtype '>f8'")]
    [TestCase("<f2", "unsupported dtype '<f2'")]
    public void UnsupportedDtypesAreNamed(string descr, string message)
    {
        var path = WriteRaw("d.npy", $"{{'descr': '{descr}', 'fortran_order': False, 'shape': (2, 2), }}", 32);
        Assert.That(() => NpyFile.ReadExamples(path), Throws.TypeOf<InvalidDataException>().With.Message.Contains(message).And.Message.Contains("d.npy"));
    }

    [Test]
    public void FortranOrderIsRefused()
    {
        var path = WriteRaw("f.npy", "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }", 32);
        Assert.That(() => NpyFile.ReadExamples(path), Throws.TypeOf<InvalidDataException>().With.Message.Contains("Fortran"));
    }

    [Test]
    public void TruncatedDataIsRefused()
    {
        var path = WriteRaw("t.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (4, 2), }", 40);
        Assert.That(() => NpyFile.ReadExamples(path), Throws.TypeOf<InvalidDataException>().With.Message.Contains("truncated").And.Message.Contains("t.npy"));
    }

    [Test]
    public void ATruncatedHeaderIsRefused()
    {
        var path = Path.Combine(directory, "h.npy");
        File.WriteAllBytes(path, [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 200, 0, (byte)'{']);
        Assert.That(() => NpyFile.ReadExamples(path), Throws.TypeOf<InvalidDataException>().With.Message.Contains("h.npy").And.Message.Contains("truncated"));
    }

    [Test]
    public void MismatchedExampleCountsAreAnErrorNamingBothFiles()
    {
        var a = Path.Combine(directory, "a.npy");
        var b = Path.Combine(directory, "b.npy");
        NpyFile.Write(a, new double[10], 5, 2);
        NpyFile.Write(b, new double[12], 6, 2);
        Assert.That(() => NpyCka.Compute(a, b), Throws.TypeOf<InvalidDataException>()
            .With.Message.Contains("a.npy has 5").And.Message.Contains("b.npy has 6"));
    }

    [Test]
    public void Version2HeadersAreRead()
    {
        using var scope = torch.NewDisposeScope();
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }";
        var path = Path.Combine(directory, "v2.npy");
        using (var s = File.Create(path))
        {
            s.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 2, 0]);
            s.Write(BitConverter.GetBytes((uint)(header.Length + 1)));
            s.Write(Encoding.Latin1.GetBytes(header + "\n"));
            s.Write(BitConverter.GetBytes(1.5f));
            s.Write(BitConverter.GetBytes(-2f));
        }
        Assert.That(NpyFile.ReadExamples(path).ToArray<float>(), Is.EqualTo(new[] { 1.5f, -2f }));
    }

    private string WriteRaw(string name, string header, int dataBytes)
    {
        var path = Path.Combine(directory, name);
        using var s = File.Create(path);
        s.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        s.Write(BitConverter.GetBytes((ushort)(header.Length + 1)));
        s.Write(Encoding.Latin1.GetBytes(header + "\n"));
        s.Write(new byte[dataBytes]);
        return path;
    }
}
