using static Repro.Torch.Native.LibTorch;

namespace Repro.Torch;

/// <summary>
/// A seeded random-number generator of libtorch's (CPU, Philox-free Mersenne twister). Numbers are drawn on the
/// CPU and then moved, so one seed gives the same initial weights on every device.
/// </summary>
public sealed class Generator : IDisposable
{
    private IntPtr handle;

    public Generator(long seed)
    {
        Seed = seed;
        handle = rt_generator_new(seed);
        if (handle == IntPtr.Zero) Native.NativeCheck.ThrowIfError();
    }

    ~Generator() => Free();

    public long Seed { get; }

    internal IntPtr Handle => handle != IntPtr.Zero ? handle : throw new ObjectDisposedException(nameof(Generator));

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void Free()
    {
        var h = Interlocked.Exchange(ref handle, IntPtr.Zero);
        if (h != IntPtr.Zero) rt_generator_free(h);
    }
}
