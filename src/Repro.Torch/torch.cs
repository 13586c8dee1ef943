using System.Runtime.InteropServices;
using Repro.Torch.Native;
using static Repro.Torch.Native.LibTorch;
using static Repro.Torch.Native.NativeCheck;

namespace Repro.Torch;

/// <summary>
/// The entry point, as <c>torch</c> in PyTorch and TorchSharp: tensor creation, joining, seeding, threads,
/// devices and gradient mode.
/// </summary>
public static unsafe class torch
{
    public const ScalarType uint8 = ScalarType.Byte;
    public const ScalarType int32 = ScalarType.Int32;
    public const ScalarType int64 = ScalarType.Int64;
    public const ScalarType float32 = ScalarType.Float32;
    public const ScalarType float64 = ScalarType.Float64;
    public const ScalarType @bool = ScalarType.Bool;

    static torch()
    {
        // libtorch picks one thread on some machines; use every core unless the user said otherwise.
        if (Environment.GetEnvironmentVariable("OMP_NUM_THREADS") is null) set_num_threads(Environment.ProcessorCount);
    }

    /// <summary>The libtorch version the shim was built against.</summary>
    public static string version => Marshal.PtrToStringUTF8(rt_version()) ?? "unknown";

    // ---- creation ------------------------------------------------------------------------------------------

    public static Tensor empty(long[] shape, ScalarType dtype = float32, Device? device = null)
    {
        var d = device ?? Device.CPU;
        fixed (long* p = shape) return Wrap(rt_empty(p, shape.Length, (sbyte)dtype, (int)d.Type, d.Index));
    }

    public static Tensor zeros(long[] shape, ScalarType dtype = float32, Device? device = null)
    {
        var d = device ?? Device.CPU;
        fixed (long* p = shape) return Wrap(rt_zeros(p, shape.Length, (sbyte)dtype, (int)d.Type, d.Index));
    }

    public static Tensor ones(long[] shape, ScalarType dtype = float32, Device? device = null)
    {
        var d = device ?? Device.CPU;
        fixed (long* p = shape) return Wrap(rt_ones(p, shape.Length, (sbyte)dtype, (int)d.Type, d.Index));
    }

    public static Tensor full(long[] shape, double value, ScalarType dtype = float32, Device? device = null)
    {
        var d = device ?? Device.CPU;
        fixed (long* p = shape) return Wrap(rt_full(p, shape.Length, value, (sbyte)dtype, (int)d.Type, d.Index));
    }

    public static Tensor zeros_like(Tensor t) => zeros(t.shape, t.dtype, t.device);

    public static Tensor ones_like(Tensor t) => ones(t.shape, t.dtype, t.device);

    public static Tensor arange(double start, double end, double step = 1, ScalarType dtype = int64, Device? device = null)
    {
        var d = device ?? Device.CPU;
        return Wrap(rt_arange(start, end, step, (sbyte)dtype, (int)d.Type, d.Index));
    }

    public static Tensor arange(long end, ScalarType dtype = int64, Device? device = null) => arange(0, end, 1, dtype, device);

    /// <summary>Uniform [0, 1) from the generator (or the global one).</summary>
    public static Tensor rand(long[] shape, Generator? generator = null, ScalarType dtype = float32, Device? device = null)
    {
        var d = device ?? Device.CPU;
        fixed (long* p = shape) return Wrap(rt_rand(p, shape.Length, generator, (sbyte)dtype, (int)d.Type, d.Index));
    }

    /// <summary>Standard normal from the generator (or the global one).</summary>
    public static Tensor randn(long[] shape, Generator? generator = null, ScalarType dtype = float32, Device? device = null)
    {
        var d = device ?? Device.CPU;
        fixed (long* p = shape) return Wrap(rt_randn(p, shape.Length, generator, (sbyte)dtype, (int)d.Type, d.Index));
    }

    public static Tensor randperm(long n, Generator? generator = null, Device? device = null)
    {
        var d = device ?? Device.CPU;
        return Wrap(rt_randperm(n, generator, (int)d.Type, d.Index));
    }

    /// <summary>A new CPU tensor holding a copy of <paramref name="data"/>, shaped as given (default: 1-D).</summary>
    public static Tensor tensor<T>(ReadOnlySpan<T> data, params long[] shape) where T : unmanaged
    {
        if (shape.Length == 0) shape = [data.Length];
        long count = 1;
        foreach (var s in shape) count *= s;
        if (count != data.Length) throw new ArgumentException($"shape [{string.Join(", ", shape)}] holds {count} elements, data has {data.Length}");
        fixed (T* d = data)
        fixed (long* p = shape)
            return Wrap(rt_from_data(d, p, shape.Length, (sbyte)ScalarTypes.Of<T>()));
    }

    public static Tensor tensor<T>(T[] data, params long[] shape) where T : unmanaged => tensor((ReadOnlySpan<T>)data, shape);

    /// <summary>A zero-dimensional tensor holding one value.</summary>
    public static Tensor scalar(double value, ScalarType dtype = float32, Device? device = null) => full([], value, dtype, device);

    // ---- joining and selecting -----------------------------------------------------------------------------

    public static Tensor cat(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        var handles = stackalloc IntPtr[tensors.Count];
        for (var i = 0; i < tensors.Count; i++) handles[i] = tensors[i].Handle;
        var result = Wrap(rt_cat(handles, tensors.Count, dim));
        GC.KeepAlive(tensors); // raw handles above: their tensors must stay reachable through the call
        return result;
    }

    public static Tensor stack(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        var handles = stackalloc IntPtr[tensors.Count];
        for (var i = 0; i < tensors.Count; i++) handles[i] = tensors[i].Handle;
        var result = Wrap(rt_stack(handles, tensors.Count, dim));
        GC.KeepAlive(tensors); // raw handles above: their tensors must stay reachable through the call
        return result;
    }

    public static Tensor where(Tensor condition, Tensor a, Tensor b) => Wrap(rt_where(condition, a, b));

    // ---- lifetime, gradient mode ---------------------------------------------------------------------------

    /// <summary>Opens a scope that frees the tensors created inside it when disposed.</summary>
    public static DisposeScope NewDisposeScope() => new();

    /// <summary>Turns gradient recording off until disposed (PyTorch's <c>with torch.no_grad()</c>).</summary>
    public static IDisposable no_grad() => new GradMode(enabled: false);

    /// <summary>Turns gradient recording on until disposed, inside a <see cref="no_grad"/> too.</summary>
    public static IDisposable enable_grad() => new GradMode(enabled: true);

    public static bool is_grad_enabled() => rt_is_grad_enabled() == 1;

    private sealed class GradMode : IDisposable
    {
        private readonly bool previous;
        private bool restored;

        internal GradMode(bool enabled)
        {
            previous = rt_set_grad_enabled(enabled ? 1 : 0) == 1;
            ThrowIfError();
        }

        public void Dispose()
        {
            if (restored) return;
            restored = true;
            rt_set_grad_enabled(previous ? 1 : 0);
        }
    }

    // ---- runtime -------------------------------------------------------------------------------------------

    /// <summary>Seeds libtorch's global generator (prefer an explicit <see cref="Generator"/>).</summary>
    public static void manual_seed(long seed)
    {
        rt_manual_seed(seed);
        ThrowIfError();
    }

    public static void set_num_threads(int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "at least one thread");
        rt_set_num_threads(threads);
        ThrowIfError();
    }

    public static int get_num_threads() => rt_get_num_threads();

    /// <summary>
    /// Hands the process's free heap pages back to the system. The shim keeps freed memory (a training step reuses the
    /// same blocks every step); call this between phases whose large allocations differ in size, or the kept blocks
    /// add up (native/allocator.h). glibc only (elsewhere it does nothing) and host memory only: a GPU's cached
    /// blocks are its caching allocator's.
    /// </summary>
    public static void release_free_memory() => rt_release_free_memory();

    /// <summary>
    /// The intra-op thread count of the calling thread alone; 1 for helper threads (the data pipeline's) so their
    /// tensor work never starts an OpenMP team of its own. That matters beyond the helper: libgomp lets waiting
    /// threads spin only while it manages no more threads than there are cores, so a second team sends the main
    /// team to sleep between every op — measured on 2 cores, training ran at 47 img/s instead of 68–80.
    /// </summary>
    public static void set_num_threads_on_this_thread(int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "at least one thread");
        rt_set_num_threads_on_this_thread(threads);
        ThrowIfError();
    }

    /// <summary>Asks libtorch for deterministic algorithms (cuDNN) and for float32 without TF32 on a GPU; CPU kernels
    /// already are both.</summary>
    public static void use_deterministic_algorithms(bool on = true)
    {
        rt_set_deterministic(on ? 1 : 0);
        ThrowIfError();
    }

    /// <summary>
    /// Op-by-op timing with libtorch's legacy autograd profiler, the one PyTorch 1.13's
    /// <c>torch.autograd.profiler.profile()</c> uses on a libtorch without Kineto: a trace from here and one from
    /// PyTorch on the same libtorch compare like for like (benchmarks/compare_op_profiles.py).
    /// </summary>
    public static class profiler
    {
        /// <summary>
        /// Records every op the calling thread runs until disposed, then writes them to <paramref name="path"/> as a
        /// chrome trace (a JSON array of complete events with inclusive durations, in µs). libtorch keeps the
        /// profiler's state per thread: dispose on the thread that started it (an <c>await</c> inside may resume on
        /// another, which the profiler never sees), and open one at a time per thread.
        /// </summary>
        public static IDisposable Record(string path) => new Recording(path);

        private sealed class Recording : IDisposable
        {
            private readonly int thread = Environment.CurrentManagedThreadId;
            private IntPtr handle;

            internal Recording(string path)
            {
                handle = rt_profile_begin(Path.GetFullPath(path));
                if (handle == IntPtr.Zero) ThrowIfError();
            }

            // No finalizer: it would run on the finalizer thread, whose profiler state is not the one to end.
            public void Dispose()
            {
                if (handle == IntPtr.Zero) return;
                if (Environment.CurrentManagedThreadId != thread)
                    throw new InvalidOperationException("a profile must end on the thread that started it (libtorch's profiler state is per thread)");
                var h = handle;
                handle = IntPtr.Zero;
                rt_profile_end(h);
                ThrowIfError();
            }
        }
    }

    public static class cuda
    {
        public static bool is_available() => rt_cuda_is_available() == 1;

        public static int device_count() => rt_cuda_device_count();

        public static void synchronize(int device = 0)
        {
            rt_cuda_synchronize(device);
            ThrowIfError();
        }
    }
}
