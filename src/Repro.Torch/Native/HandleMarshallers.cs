using System.Runtime.InteropServices.Marshalling;

namespace Repro.Torch.Native;

// How a Tensor or Generator argument crosses into the shim: as its native handle, with the managed object kept
// reachable until the call has returned.
//
// Without that, optimised code stops reporting an object as live once its handle has been loaded: in
// `torch.full(…).sum()` nothing references the full tensor while rt_sum runs, a collection on another thread can
// queue it for finalization, and its finalizer frees the native tensor libtorch is reading (FinalizerRaceTests
// crashes the test host that way). The source-generated stub calls Free after the native call returns, in a finally,
// and GC.KeepAlive there is what holds the object: no reference count, no allocation, nothing per call beyond a
// field store — unlike a SafeHandle, whose add-ref and release are two interlocked operations per argument.

/// <summary>A tensor argument the native side requires: null is an error here rather than a crash there.</summary>
[CustomMarshaller(typeof(Tensor), MarshalMode.ManagedToUnmanagedIn, typeof(TensorMarshaller))]
internal struct TensorMarshaller
{
    private Tensor tensor;

    public void FromManaged(Tensor managed) => tensor = managed ?? throw new ArgumentNullException(nameof(managed), "a tensor argument was null");

    public readonly IntPtr ToUnmanaged() => tensor.Handle;

    public readonly void Free() => GC.KeepAlive(tensor);
}

/// <summary>An optional tensor argument (bias, weight, gradient): null crosses as a null handle.</summary>
[CustomMarshaller(typeof(Tensor), MarshalMode.ManagedToUnmanagedIn, typeof(OptionalTensorMarshaller))]
internal struct OptionalTensorMarshaller
{
    private Tensor? tensor;

    public void FromManaged(Tensor? managed) => tensor = managed;

    public readonly IntPtr ToUnmanaged() => tensor?.Handle ?? IntPtr.Zero;

    public readonly void Free() => GC.KeepAlive(tensor);
}

/// <summary>An optional generator argument: null means libtorch's global generator.</summary>
[CustomMarshaller(typeof(Generator), MarshalMode.ManagedToUnmanagedIn, typeof(OptionalGeneratorMarshaller))]
internal struct OptionalGeneratorMarshaller
{
    private Generator? generator;

    public void FromManaged(Generator? managed) => generator = managed;

    public readonly IntPtr ToUnmanaged() => generator?.Handle ?? IntPtr.Zero;

    public readonly void Free() => GC.KeepAlive(generator);
}
