using Repro.Torch.NN;

namespace Repro.Torch.Tests;

public class ErrorPropagationTests
{
    [Test]
    public void ShapeMismatchThrowsWithLibtorchMessageAndTheProcessCarriesOn()
    {
        using var a = torch.ones([2, 3]);
        using var b = torch.ones([4, 5]);
        var e = Assert.Throws<TorchException>(() => a.matmul(b).Dispose())!;
        Assert.That(e.Message, Does.Contain("cannot be multiplied").Or.Contain("size mismatch").Or.Contain("shapes"));

        // The failure left no error behind: the next call on this thread succeeds.
        using var c = a.matmul(torch.ones([3, 2]));
        Assert.That(c.shape, Is.EqualTo(new long[] { 2, 2 }));
        Assert.That(c.ToArray<float>(), Is.All.EqualTo(3f));
    }

    [Test]
    public void ConvWithWrongChannelCountThrows()
    {
        using var x = torch.ones([1, 3, 8, 8]);
        using var w = torch.ones([4, 5, 3, 3]);
        var e = Assert.Throws<TorchException>(() => functional.conv2d(x, w).Dispose())!;
        Assert.That(e.Message, Does.Contain("channels"));
    }

    [Test]
    public void UsingADisposedTensorThrowsObjectDisposed()
    {
        var a = torch.ones([2]);
        a.Dispose();
        Assert.Throws<ObjectDisposedException>(() => a.sum());
    }
}
