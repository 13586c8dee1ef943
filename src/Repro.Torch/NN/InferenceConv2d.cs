using static Repro.Torch.Native.LibTorch;
using static Repro.Torch.Native.NativeCheck;

namespace Repro.Torch.NN;

/// <summary>
/// A convolution with a bias and an optional leaky ReLU, for inference only (no gradients flow through it). On the
/// CPU in float32 it calls oneDNN directly: weights reordered once into the layout oneDNN's kernel wants, activations
/// channels-last, the leaky ReLU fused into the conv. Anywhere else it runs <c>conv2d</c> + <c>leaky_relu_</c>. The
/// output equals <c>leaky_relu(conv2d(x, weight, bias))</c> up to float rounding and is channels-last in memory,
/// which no shape, view or element order shows: a caller that needs the raw buffer asks for
/// <see cref="Tensor.contiguous"/>, as for any tensor.
/// <para>The weight and bias are copied at construction: later writes to the tensors passed in do not reach it.</para>
/// </summary>
public sealed class InferenceConv2d : IDisposable
{
    private IntPtr handle;

    /// <param name="weight">out × in × k × k</param>
    /// <param name="bias">out</param>
    /// <param name="stride">stride in both directions</param>
    /// <param name="padding">zero padding on every side</param>
    /// <param name="leakySlope">the leaky ReLU's negative slope, or null for no activation</param>
    public InferenceConv2d(Tensor weight, Tensor bias, long stride, long padding, double? leakySlope)
    {
        if (leakySlope is < 0) throw new ArgumentOutOfRangeException(nameof(leakySlope), leakySlope, "a leaky ReLU's slope is at least 0");
        handle = rt_inference_conv_new(weight, bias, stride, padding, leakySlope ?? -1);
        if (handle == IntPtr.Zero)
        {
            ThrowIfError();
            throw new TorchException("libtorch returned no inference conv");
        }
    }

    ~InferenceConv2d() => Free();

    /// <summary>Whether this build of the shim runs CPU float32 convs through oneDNN (off when built against an
    /// unpacked official libtorch, which carries its own copy).</summary>
    public static bool UsesOneDnn => rt_inference_conv_uses_onednn() != 0;

    public Tensor forward(Tensor input)
    {
        var h = handle != IntPtr.Zero ? handle : throw new ObjectDisposedException(nameof(InferenceConv2d));
        var result = Wrap(rt_inference_conv_forward(h, input));
        GC.KeepAlive(this); // the finalizer must not free the conv while its native call still runs
        return result;
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void Free()
    {
        var h = Interlocked.Exchange(ref handle, IntPtr.Zero);
        if (h != IntPtr.Zero) rt_inference_conv_free(h);
    }
}
