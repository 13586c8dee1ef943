using static Repro.Torch.Native.LibTorch;
using static Repro.Torch.Native.NativeCheck;

namespace Repro.Torch;

// Element-wise arithmetic, comparisons, reductions, shape and indexing: thin calls into the shim, PyTorch names.
public sealed unsafe partial class Tensor
{
    // ---- operators -----------------------------------------------------------------------------------------
    public static Tensor operator +(Tensor a, Tensor b) => Wrap(rt_add(a, b));
    public static Tensor operator -(Tensor a, Tensor b) => Wrap(rt_sub(a, b));
    public static Tensor operator *(Tensor a, Tensor b) => Wrap(rt_mul(a, b));
    public static Tensor operator /(Tensor a, Tensor b) => Wrap(rt_div(a, b));
    public static Tensor operator +(Tensor a, double s) => Wrap(rt_add_scalar(a, s));
    public static Tensor operator +(double s, Tensor a) => Wrap(rt_add_scalar(a, s));
    public static Tensor operator -(Tensor a, double s) => Wrap(rt_sub_scalar(a, s));
    public static Tensor operator -(double s, Tensor a) => Wrap(rt_rsub_scalar(a, s));
    public static Tensor operator *(Tensor a, double s) => Wrap(rt_mul_scalar(a, s));
    public static Tensor operator *(double s, Tensor a) => Wrap(rt_mul_scalar(a, s));
    public static Tensor operator /(Tensor a, double s) => Wrap(rt_div_scalar(a, s));
    public static Tensor operator /(double s, Tensor a) => Wrap(rt_rdiv_scalar(a, s));
    public static Tensor operator -(Tensor a) => Wrap(rt_neg(a));

    public Tensor add(Tensor other) => this + other;
    public Tensor sub(Tensor other) => this - other;
    public Tensor mul(Tensor other) => this * other;
    public Tensor div(Tensor other) => this / other;
    public Tensor pow(Tensor exponent) => Wrap(rt_pow(this, exponent));
    public Tensor pow(double exponent) => Wrap(rt_pow_scalar(this, exponent));
    public Tensor matmul(Tensor other) => Wrap(rt_matmul(this, other));
    public Tensor maximum(Tensor other) => Wrap(rt_maximum(this, other));
    public Tensor minimum(Tensor other) => Wrap(rt_minimum(this, other));
    public Tensor neg() => -this;
    public Tensor abs() => Wrap(rt_abs(this));
    public Tensor exp() => Wrap(rt_exp(this));
    public Tensor log() => Wrap(rt_log(this));
    public Tensor sqrt() => Wrap(rt_sqrt(this));
    public Tensor square() => Wrap(rt_square(this));
    public Tensor sigmoid() => Wrap(rt_sigmoid(this));
    public Tensor tanh() => Wrap(rt_tanh(this));
    public Tensor relu() => Wrap(rt_relu(this));
    public Tensor floor() => Wrap(rt_floor(this));
    public Tensor ceil() => Wrap(rt_ceil(this));
    public Tensor round() => Wrap(rt_round(this));
    public Tensor sign() => Wrap(rt_sign(this));
    public Tensor isfinite() => Wrap(rt_isfinite(this));
    public Tensor logical_not() => Wrap(rt_logical_not(this));
    public Tensor logical_and(Tensor other) => Wrap(rt_logical_and(this, other));
    public Tensor logical_or(Tensor other) => Wrap(rt_logical_or(this, other));

    public Tensor clamp(double? min = null, double? max = null) =>
        Wrap(rt_clamp(this, min ?? 0, max ?? 0, min.HasValue ? 1 : 0, max.HasValue ? 1 : 0));
    public Tensor clamp_min(double min) => clamp(min, null);
    public Tensor clamp_max(double max) => clamp(null, max);

    // ---- in place (optimizers, initialisation); each returns this ----------------------------------------
    private Tensor Checked()
    {
        ThrowIfError();
        return this;
    }

    public Tensor zero_() { rt_zero_(this); return Checked(); }
    public Tensor leaky_relu_(double negativeSlope) { rt_leaky_relu_(this, negativeSlope); return Checked(); }
    public Tensor fill_(double value) { rt_fill_(this, value); return Checked(); }
    public Tensor mul_(double s) { rt_mul_scalar_(this, s); return Checked(); }
    public Tensor mul_(Tensor other) { rt_mul_(this, other); return Checked(); }
    public Tensor add_(double s) { rt_add_scalar_(this, s); return Checked(); }
    public Tensor add_(Tensor other, double alpha = 1) { rt_add_(this, other, alpha); return Checked(); }
    public Tensor copy_(Tensor source) { rt_copy_(this, source); return Checked(); }
    public Tensor addcmul_(Tensor a, Tensor b, double value = 1) { rt_addcmul_(this, a, b, value); return Checked(); }
    public Tensor addcdiv_(Tensor a, Tensor b, double value = 1) { rt_addcdiv_(this, a, b, value); return Checked(); }
    public Tensor uniform_(double low, double high, Generator? generator = null)
    {
        rt_uniform_(this, low, high, generator);
        return Checked();
    }

    // ---- comparisons ---------------------------------------------------------------------------------------
    public Tensor eq(Tensor other) => Wrap(rt_eq(this, other));
    public Tensor ne(Tensor other) => Wrap(rt_ne(this, other));
    public Tensor lt(Tensor other) => Wrap(rt_lt(this, other));
    public Tensor le(Tensor other) => Wrap(rt_le(this, other));
    public Tensor gt(Tensor other) => Wrap(rt_gt(this, other));
    public Tensor ge(Tensor other) => Wrap(rt_ge(this, other));
    public Tensor eq(double s) => Wrap(rt_eq_scalar(this, s));
    public Tensor ne(double s) => Wrap(rt_ne_scalar(this, s));
    public Tensor lt(double s) => Wrap(rt_lt_scalar(this, s));
    public Tensor le(double s) => Wrap(rt_le_scalar(this, s));
    public Tensor gt(double s) => Wrap(rt_gt_scalar(this, s));
    public Tensor ge(double s) => Wrap(rt_ge_scalar(this, s));

    /// <summary>Same shape and exactly the same elements.</summary>
    public bool equal(Tensor other)
    {
        var r = rt_equal(this, other);
        ThrowIfError();
        return r == 1;
    }

    public bool allclose(Tensor other, double rtol = 1e-5, double atol = 1e-8)
    {
        var r = rt_allclose(this, other, rtol, atol);
        ThrowIfError();
        return r == 1;
    }

    // ---- reductions ----------------------------------------------------------------------------------------
    public Tensor sum() => Wrap(rt_sum(this));
    public Tensor mean() => Wrap(rt_mean(this));
    public Tensor max() => Wrap(rt_max(this));
    public Tensor min() => Wrap(rt_min(this));

    public Tensor sum(long[] dims, bool keepdim = false)
    {
        fixed (long* p = dims) return Wrap(rt_sum_dims(this, p, dims.Length, keepdim ? 1 : 0));
    }
    public Tensor sum(long dim, bool keepdim = false) => sum([dim], keepdim);

    public Tensor mean(long[] dims, bool keepdim = false)
    {
        fixed (long* p = dims) return Wrap(rt_mean_dims(this, p, dims.Length, keepdim ? 1 : 0));
    }
    public Tensor mean(long dim, bool keepdim = false) => mean([dim], keepdim);

    public Tensor var(long[] dims, bool unbiased = true, bool keepdim = false)
    {
        fixed (long* p = dims) return Wrap(rt_var_dims(this, p, dims.Length, unbiased ? 1 : 0, keepdim ? 1 : 0));
    }

    public Tensor amax(long[] dims, bool keepdim = false)
    {
        fixed (long* p = dims) return Wrap(rt_amax(this, p, dims.Length, keepdim ? 1 : 0));
    }

    public Tensor amin(long[] dims, bool keepdim = false)
    {
        fixed (long* p = dims) return Wrap(rt_amin(this, p, dims.Length, keepdim ? 1 : 0));
    }

    public Tensor argmax(long dim, bool keepdim = false) => Wrap(rt_argmax(this, dim, keepdim ? 1 : 0));

    public (Tensor values, Tensor indices) max(long dim, bool keepdim = false)
    {
        IntPtr v, i;
        rt_max_dim(this, dim, keepdim ? 1 : 0, &v, &i);
        ThrowIfError();
        return (new Tensor(v), new Tensor(i));
    }

    public (Tensor values, Tensor indices) sort(long dim = -1, bool descending = false, bool stable = true)
    {
        IntPtr v, i;
        rt_sort(this, dim, descending ? 1 : 0, stable ? 1 : 0, &v, &i);
        ThrowIfError();
        return (new Tensor(v), new Tensor(i));
    }

    public (Tensor values, Tensor indices) topk(long k, long dim = -1, bool largest = true)
    {
        IntPtr v, i;
        rt_topk(this, k, dim, largest ? 1 : 0, &v, &i);
        ThrowIfError();
        return (new Tensor(v), new Tensor(i));
    }

    public Tensor cumsum(long dim) => Wrap(rt_cumsum(this, dim));

    // ---- shape ---------------------------------------------------------------------------------------------
    public Tensor reshape(params long[] shape)
    {
        fixed (long* p = shape) return Wrap(rt_reshape(this, p, shape.Length));
    }

    public Tensor view(params long[] shape)
    {
        fixed (long* p = shape) return Wrap(rt_view(this, p, shape.Length));
    }

    public Tensor expand(params long[] shape)
    {
        fixed (long* p = shape) return Wrap(rt_expand(this, p, shape.Length));
    }

    public Tensor repeat(params long[] repeats)
    {
        fixed (long* p = repeats) return Wrap(rt_repeat(this, p, repeats.Length));
    }

    public Tensor permute(params long[] dims)
    {
        fixed (long* p = dims) return Wrap(rt_permute(this, p, dims.Length));
    }

    public Tensor transpose(long dim0, long dim1) => Wrap(rt_transpose(this, dim0, dim1));
    public Tensor t() => transpose(0, 1);
    public Tensor flatten(long startDim = 0, long endDim = -1) => Wrap(rt_flatten(this, startDim, endDim));
    public Tensor squeeze(long dim) => Wrap(rt_squeeze(this, dim));
    public Tensor unsqueeze(long dim) => Wrap(rt_unsqueeze(this, dim));

    /// <summary>Elements start..end (exclusive) by step along dim; a view, as Python's <c>a[:, start:end:step]</c>.</summary>
    public Tensor slice(long dim, long start, long end, long step = 1) => Wrap(rt_slice(this, dim, start, end, step));

    public Tensor narrow(long dim, long start, long length) => slice(dim, start, start + length);

    /// <summary>The sub-tensor at index along dim, without that dimension; a view.</summary>
    public Tensor select(long dim, long index) => Wrap(rt_select(this, dim, index));

    /// <summary><c>a[i]</c>: select along the first dimension.</summary>
    public Tensor this[long index] => select(0, index);

    // ---- indexing ------------------------------------------------------------------------------------------
    public Tensor index_select(long dim, Tensor index) => Wrap(rt_index_select(this, dim, index));
    public Tensor gather(long dim, Tensor index) => Wrap(rt_gather(this, dim, index));
    public Tensor masked_select(Tensor mask) => Wrap(rt_masked_select(this, mask));
    public Tensor masked_fill(Tensor mask, double value) => Wrap(rt_masked_fill(this, mask, value));
    public Tensor nonzero() => Wrap(rt_nonzero(this));

    /// <summary>Advanced indexing <c>a[i0, i1, …]</c>: one int64 or bool tensor per leading dimension.</summary>
    public Tensor index(params Tensor[] indices)
    {
        var handles = stackalloc IntPtr[indices.Length];
        for (var i = 0; i < indices.Length; i++) handles[i] = indices[i].Handle;
        var result = Wrap(rt_index(this, handles, indices.Length));
        GC.KeepAlive(indices); // raw handles above: their tensors must stay reachable through the call
        return result;
    }

    /// <summary><c>a[i0, i1, …] = values</c> (or <c>+=</c> with accumulate, duplicates summed).</summary>
    public Tensor index_put_(Tensor[] indices, Tensor values, bool accumulate = false)
    {
        var handles = stackalloc IntPtr[indices.Length];
        for (var i = 0; i < indices.Length; i++) handles[i] = indices[i].Handle;
        rt_index_put_(this, handles, indices.Length, values, accumulate ? 1 : 0);
        GC.KeepAlive(indices); // raw handles above: their tensors must stay reachable through the call
        return Checked();
    }
}
