using Repro.Torch.Native;
using static Repro.Torch.Native.LibTorch;
using static Repro.Torch.Native.NativeCheck;

namespace Repro.Torch;

/// <summary>
/// A handle to a libtorch tensor. Free it deterministically: <c>Dispose()</c>, a <c>using</c>, or an enclosing
/// <see cref="DisposeScope"/>; the finalizer is only a safety net. Methods mirror PyTorch's names.
/// </summary>
[System.Runtime.InteropServices.Marshalling.NativeMarshalling(typeof(TensorMarshaller))]
public sealed unsafe partial class Tensor : IDisposable
{
    private IntPtr handle;

    internal Tensor(IntPtr handle)
    {
        this.handle = handle;
        Scope = DisposeScope.Current;
        Scope?.Register(this);
    }

    ~Tensor() => Free();

    internal DisposeScope? Scope { get; set; }

    /// <summary>The native handle; throws once the tensor has been disposed.</summary>
    internal IntPtr Handle => handle != IntPtr.Zero ? handle : throw new ObjectDisposedException(nameof(Tensor), "the tensor was disposed");

    public bool IsDisposed => handle == IntPtr.Zero;

    public void Dispose()
    {
        Scope?.Forget(this);
        Scope = null;
        Free();
        GC.SuppressFinalize(this);
    }

    private void Free()
    {
        var h = Interlocked.Exchange(ref handle, IntPtr.Zero);
        if (h != IntPtr.Zero) rt_free(h);
    }

    /// <summary>Keeps this tensor alive past the current dispose scope (hands it to the enclosing one).</summary>
    public Tensor MoveToOuterDisposeScope()
    {
        Scope?.MoveToOuter(this);
        return this;
    }

    /// <summary>Takes this tensor out of every dispose scope: the caller now owns it.</summary>
    public Tensor DetachFromDisposeScope()
    {
        Scope?.Forget(this);
        Scope = null;
        return this;
    }

    // ---- properties ----------------------------------------------------------------------------------------

    public int dim()
    {
        var d = rt_dim(this);
        ThrowIfError();
        return d;
    }

    public long numel()
    {
        var n = rt_numel(this);
        ThrowIfError();
        return n;
    }

    public long[] shape
    {
        get
        {
            var result = new long[dim()];
            fixed (long* p = result) rt_sizes(this, p);
            ThrowIfError();
            return result;
        }
    }

    public long size(int dimension)
    {
        var s = shape;
        return s[dimension < 0 ? dimension + s.Length : dimension];
    }

    public ScalarType dtype
    {
        get
        {
            var t = rt_dtype(this);
            ThrowIfError();
            return (ScalarType)t;
        }
    }

    public Device device
    {
        get
        {
            var type = rt_device_type(this);
            var index = rt_device_index(this);
            ThrowIfError();
            return new Device((DeviceType)type, index);
        }
    }

    /// <summary>Whether the elements lie densely in the order <paramref name="format"/> names.</summary>
    public bool is_contiguous(MemoryFormat format = MemoryFormat.Contiguous)
    {
        var c = rt_is_contiguous(this, (sbyte)format);
        ThrowIfError();
        return c == 1;
    }

    public override string ToString() =>
        IsDisposed ? "Tensor(disposed)" : $"Tensor([{string.Join(", ", shape)}], {dtype}, {device})";

    /// <summary>
    /// libtorch's version counter (PyTorch's <c>Tensor._version</c>): it grows with every in-place op on the tensor
    /// — optimizer steps, <c>copy_</c>, <c>mul_</c> — so a cache derived from it can tell it went stale. Views share
    /// their base's counter. Writes a kernel makes to an argument it does not declare as written are not counted:
    /// a train-mode batch norm's update of its running statistics is one.
    /// </summary>
    public long _version
    {
        get
        {
            var v = rt_version_counter(this);
            ThrowIfError();
            return v;
        }
    }

    // ---- data ----------------------------------------------------------------------------------------------

    /// <summary>The single value of a one-element tensor.</summary>
    public double item()
    {
        var v = rt_item(this);
        ThrowIfError();
        return v;
    }

    /// <summary>The single value of a one-element tensor, converted to T.</summary>
    public T item<T>() where T : unmanaged, IConvertible => (T)Convert.ChangeType(item(), typeof(T));

    /// <summary>Copies every element, in row-major order, into a new array; T must match the dtype.</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        var result = new T[numel()];
        CopyTo<T>(result);
        return result;
    }

    /// <summary>Copies every element, in row-major order, into <paramref name="destination"/>.</summary>
    public void CopyTo<T>(Span<T> destination) where T : unmanaged
    {
        var expected = ScalarTypes.Of<T>();
        if (dtype != expected) throw new InvalidOperationException($"tensor is {dtype}, not {expected}");
        using var host = device.Type == DeviceType.CPU && is_contiguous() ? alias() : to(Device.CPU).contiguous();
        var n = host.numel();
        if (destination.Length < n) throw new ArgumentException($"destination holds {destination.Length} elements, tensor has {n}");
        var p = rt_data_ptr(host);
        ThrowIfError();
        new ReadOnlySpan<T>(p, checked((int)n)).CopyTo(destination);
    }

    /// <summary>A span over the elements of a contiguous CPU tensor, valid while the tensor lives.</summary>
    public Span<T> AsSpan<T>() where T : unmanaged
    {
        if (dtype != ScalarTypes.Of<T>()) throw new InvalidOperationException($"tensor is {dtype}, not {typeof(T).Name}");
        if (device.Type != DeviceType.CPU || !is_contiguous()) throw new InvalidOperationException("AsSpan needs a contiguous CPU tensor");
        var p = rt_data_ptr(this);
        ThrowIfError();
        return new Span<T>(p, checked((int)numel()));
    }

    // ---- conversion ----------------------------------------------------------------------------------------

    public Tensor to(ScalarType type) => to(type, device);

    public Tensor to(Device target) => to(dtype, target);

    public Tensor to(ScalarType type, Device target) =>
        Wrap(rt_to(this, (sbyte)type, (int)target.Type, target.Index));

    public Tensor cpu() => to(Device.CPU);

    public Tensor @double() => to(ScalarType.Float64);

    public Tensor @float() => to(ScalarType.Float32);

    public Tensor @long() => to(ScalarType.Int64);

    public Tensor clone() => Wrap(rt_clone(this));

    /// <summary>This tensor when its elements already lie densely in the order <paramref name="format"/> names, else a
    /// copy that does (the same logical values: only the strides differ).</summary>
    public Tensor contiguous(MemoryFormat format = MemoryFormat.Contiguous) => Wrap(rt_contiguous(this, (sbyte)format));

    /// <summary>A second handle to the same tensor (shares storage and autograd identity).</summary>
    public Tensor alias() => Wrap(rt_alias(this));

    // ---- autograd ------------------------------------------------------------------------------------------

    public bool requires_grad
    {
        get
        {
            var r = rt_requires_grad(this);
            ThrowIfError();
            return r == 1;
        }
        set
        {
            rt_set_requires_grad(this, value ? 1 : 0);
            ThrowIfError();
        }
    }

    public Tensor requires_grad_(bool on = true)
    {
        requires_grad = on;
        return this;
    }

    public void backward(Tensor? gradient = null)
    {
        rt_backward(this, gradient);
        ThrowIfError();
    }

    /// <summary>The accumulated gradient, or null before any backward pass reached this tensor.</summary>
    public Tensor? grad
    {
        get
        {
            var h = rt_grad(this);
            if (h != IntPtr.Zero) return new Tensor(h);
            ThrowIfError();
            return null;
        }
    }

    /// <summary>Drops the accumulated gradient (PyTorch's <c>zero_grad(set_to_none=True)</c>).</summary>
    public void clear_grad()
    {
        rt_clear_grad(this);
        ThrowIfError();
    }

    public Tensor detach() => Wrap(rt_detach(this));
}
