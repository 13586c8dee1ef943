using System.Runtime.InteropServices;

namespace Repro.Torch.Native;

/// <summary>Turns the shim's thread-local last error into a <see cref="TorchException"/>.</summary>
internal static class NativeCheck
{
    /// <summary>Throws if the last native call on this thread failed.</summary>
    internal static void ThrowIfError()
    {
        var message = LibTorch.rt_last_error();
        if (message != IntPtr.Zero) throw new TorchException(Marshal.PtrToStringUTF8(message) ?? "libtorch error");
    }

    /// <summary>Wraps a handle returned by the shim, throwing libtorch's message when the call failed.</summary>
    internal static Tensor Wrap(IntPtr handle)
    {
        if (handle == IntPtr.Zero)
        {
            ThrowIfError();
            throw new TorchException("libtorch returned no tensor");
        }
        return new Tensor(handle);
    }
}
