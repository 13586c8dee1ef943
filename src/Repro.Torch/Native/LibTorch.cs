using System.Runtime.InteropServices;

namespace Repro.Torch.Native;

// The C ABI of native/ (see native/shim.h). Every call is followed by a check of rt_last_error (NativeCheck),
// so a libtorch error surfaces as a TorchException with libtorch's message instead of ending the process.
// Arguments are blittable only (handles, numbers, pointers), which keeps each call in the tens of nanoseconds.
internal static unsafe class LibTorch
{
    private const string Lib = "repro_torch";

    [DllImport(Lib)] internal static extern IntPtr rt_last_error();
    [DllImport(Lib)] internal static extern void rt_free(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr rt_version();

    // properties
    [DllImport(Lib)] internal static extern int rt_dim(IntPtr t);
    [DllImport(Lib)] internal static extern long rt_numel(IntPtr t);
    [DllImport(Lib)] internal static extern void rt_sizes(IntPtr t, long* output);
    [DllImport(Lib)] internal static extern sbyte rt_dtype(IntPtr t);
    [DllImport(Lib)] internal static extern int rt_device_type(IntPtr t);
    [DllImport(Lib)] internal static extern int rt_device_index(IntPtr t);
    [DllImport(Lib)] internal static extern int rt_is_contiguous(IntPtr t);
    [DllImport(Lib)] internal static extern void* rt_data_ptr(IntPtr t);
    [DllImport(Lib)] internal static extern double rt_item(IntPtr t);

    // creation
    [DllImport(Lib)] internal static extern IntPtr rt_empty(long* shape, int ndim, sbyte dtype, int dt, int di);
    [DllImport(Lib)] internal static extern IntPtr rt_zeros(long* shape, int ndim, sbyte dtype, int dt, int di);
    [DllImport(Lib)] internal static extern IntPtr rt_ones(long* shape, int ndim, sbyte dtype, int dt, int di);
    [DllImport(Lib)] internal static extern IntPtr rt_full(long* shape, int ndim, double value, sbyte dtype, int dt, int di);
    [DllImport(Lib)] internal static extern IntPtr rt_arange(double start, double end, double step, sbyte dtype, int dt, int di);
    [DllImport(Lib)] internal static extern IntPtr rt_from_data(void* data, long* shape, int ndim, sbyte dtype);

    // random
    [DllImport(Lib)] internal static extern void rt_manual_seed(long seed);
    [DllImport(Lib)] internal static extern IntPtr rt_generator_new(long seed);
    [DllImport(Lib)] internal static extern void rt_generator_free(IntPtr g);
    [DllImport(Lib)] internal static extern IntPtr rt_rand(long* shape, int ndim, IntPtr g, sbyte dtype, int dt, int di);
    [DllImport(Lib)] internal static extern IntPtr rt_randn(long* shape, int ndim, IntPtr g, sbyte dtype, int dt, int di);
    [DllImport(Lib)] internal static extern IntPtr rt_randperm(long n, IntPtr g, int dt, int di);

    // conversion
    [DllImport(Lib)] internal static extern IntPtr rt_to(IntPtr t, sbyte dtype, int dt, int di);
    [DllImport(Lib)] internal static extern IntPtr rt_clone(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr rt_contiguous(IntPtr t);
    [DllImport(Lib)] internal static extern void rt_set_num_threads_on_this_thread(int n);
    [DllImport(Lib)] internal static extern IntPtr rt_alias(IntPtr t);

    // runtime
    [DllImport(Lib)] internal static extern void rt_set_num_threads(int n);
    [DllImport(Lib)] internal static extern int rt_get_num_threads();
    [DllImport(Lib)] internal static extern int rt_cuda_is_available();
    [DllImport(Lib)] internal static extern int rt_cuda_device_count();
    [DllImport(Lib)] internal static extern void rt_cuda_synchronize(int device);
    [DllImport(Lib)] internal static extern void rt_set_deterministic(int on);

    // element-wise
    [DllImport(Lib)] internal static extern IntPtr rt_add(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr rt_sub(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr rt_mul(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr rt_div(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr rt_pow(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr rt_matmul(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr rt_maximum(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr rt_minimum(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr rt_add_scalar(IntPtr a, double s);
    [DllImport(Lib)] internal static extern IntPtr rt_sub_scalar(IntPtr a, double s);
    [DllImport(Lib)] internal static extern IntPtr rt_rsub_scalar(IntPtr a, double s);
    [DllImport(Lib)] internal static extern IntPtr rt_mul_scalar(IntPtr a, double s);
    [DllImport(Lib)] internal static extern IntPtr rt_div_scalar(IntPtr a, double s);
    [DllImport(Lib)] internal static extern IntPtr rt_rdiv_scalar(IntPtr a, double s);
    [DllImport(Lib)] internal static extern IntPtr rt_pow_scalar(IntPtr a, double s);
    [DllImport(Lib)] internal static extern IntPtr rt_neg(IntPtr a);
    [DllImport(Lib)] internal static extern IntPtr rt_abs(IntPtr a);
    [DllImport(Lib)] internal static extern IntPtr rt_exp(IntPtr a);
    [DllImport(Lib)] internal static extern IntPtr rt_log(IntPtr a);
    [DllImport(Lib)] internal static extern IntPtr rt_sqrt(IntPtr a);
    [DllImport(Lib)] internal static extern IntPtr rt_square(IntPtr a);
    [DllImport(Lib)] internal static extern IntPtr rt_sigmoid(IntPtr a);
    [DllImport(Lib)] internal static extern IntPtr rt_tanh(IntPtr a);
    [DllImport(Lib)] internal static extern IntPtr rt_relu(IntPtr a);
    [DllImport(Lib)] internal static extern IntPtr rt_floor(IntPtr a);
    [DllImport(Lib)] internal static extern IntPtr rt_ceil(IntPtr a);
    [DllImport(Lib)] internal static extern IntPtr rt_round(IntPtr a);
    [DllImport(Lib)] internal static extern IntPtr rt_sign(IntPtr a);
    [DllImport(Lib)] internal static extern IntPtr rt_isfinite(IntPtr a);
    [DllImport(Lib)] internal static extern IntPtr rt_logical_not(IntPtr a);
    [DllImport(Lib)] internal static extern IntPtr rt_clamp(IntPtr a, double lo, double hi, int hasLo, int hasHi);
    [DllImport(Lib)] internal static extern IntPtr rt_where(IntPtr cond, IntPtr a, IntPtr b);

    // in place
    [DllImport(Lib)] internal static extern void rt_zero_(IntPtr a);
    [DllImport(Lib)] internal static extern void rt_fill_(IntPtr a, double s);
    [DllImport(Lib)] internal static extern void rt_mul_scalar_(IntPtr a, double s);
    [DllImport(Lib)] internal static extern void rt_add_scalar_(IntPtr a, double s);
    [DllImport(Lib)] internal static extern void rt_copy_(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern void rt_mul_(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern void rt_add_(IntPtr a, IntPtr b, double alpha);
    [DllImport(Lib)] internal static extern void rt_addcmul_(IntPtr a, IntPtr b, IntPtr c, double value);
    [DllImport(Lib)] internal static extern void rt_addcdiv_(IntPtr a, IntPtr b, IntPtr c, double value);
    [DllImport(Lib)] internal static extern void rt_uniform_(IntPtr a, double lo, double hi, IntPtr g);

    // comparisons
    [DllImport(Lib)] internal static extern IntPtr rt_eq(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr rt_ne(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr rt_lt(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr rt_le(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr rt_gt(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr rt_ge(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr rt_eq_scalar(IntPtr a, double s);
    [DllImport(Lib)] internal static extern IntPtr rt_ne_scalar(IntPtr a, double s);
    [DllImport(Lib)] internal static extern IntPtr rt_lt_scalar(IntPtr a, double s);
    [DllImport(Lib)] internal static extern IntPtr rt_le_scalar(IntPtr a, double s);
    [DllImport(Lib)] internal static extern IntPtr rt_gt_scalar(IntPtr a, double s);
    [DllImport(Lib)] internal static extern IntPtr rt_ge_scalar(IntPtr a, double s);
    [DllImport(Lib)] internal static extern IntPtr rt_logical_and(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr rt_logical_or(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern int rt_equal(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern int rt_allclose(IntPtr a, IntPtr b, double rtol, double atol);

    // reductions
    [DllImport(Lib)] internal static extern IntPtr rt_sum(IntPtr a);
    [DllImport(Lib)] internal static extern IntPtr rt_mean(IntPtr a);
    [DllImport(Lib)] internal static extern IntPtr rt_max(IntPtr a);
    [DllImport(Lib)] internal static extern IntPtr rt_min(IntPtr a);
    [DllImport(Lib)] internal static extern IntPtr rt_sum_dims(IntPtr a, long* dims, int n, int keepdim);
    [DllImport(Lib)] internal static extern IntPtr rt_mean_dims(IntPtr a, long* dims, int n, int keepdim);
    [DllImport(Lib)] internal static extern IntPtr rt_var_dims(IntPtr a, long* dims, int n, int unbiased, int keepdim);
    [DllImport(Lib)] internal static extern IntPtr rt_amax(IntPtr a, long* dims, int n, int keepdim);
    [DllImport(Lib)] internal static extern IntPtr rt_amin(IntPtr a, long* dims, int n, int keepdim);
    [DllImport(Lib)] internal static extern IntPtr rt_argmax(IntPtr a, long dim, int keepdim);
    [DllImport(Lib)] internal static extern void rt_max_dim(IntPtr a, long dim, int keepdim, IntPtr* values, IntPtr* indices);
    [DllImport(Lib)] internal static extern void rt_sort(IntPtr a, long dim, int descending, int stable, IntPtr* values, IntPtr* indices);
    [DllImport(Lib)] internal static extern void rt_topk(IntPtr a, long k, long dim, int largest, IntPtr* values, IntPtr* indices);
    [DllImport(Lib)] internal static extern IntPtr rt_cumsum(IntPtr a, long dim);

    // shape
    [DllImport(Lib)] internal static extern IntPtr rt_reshape(IntPtr a, long* shape, int n);
    [DllImport(Lib)] internal static extern IntPtr rt_view(IntPtr a, long* shape, int n);
    [DllImport(Lib)] internal static extern IntPtr rt_expand(IntPtr a, long* shape, int n);
    [DllImport(Lib)] internal static extern IntPtr rt_repeat(IntPtr a, long* reps, int n);
    [DllImport(Lib)] internal static extern IntPtr rt_permute(IntPtr a, long* dims, int n);
    [DllImport(Lib)] internal static extern IntPtr rt_transpose(IntPtr a, long d0, long d1);
    [DllImport(Lib)] internal static extern IntPtr rt_flatten(IntPtr a, long start, long end);
    [DllImport(Lib)] internal static extern IntPtr rt_squeeze(IntPtr a, long dim);
    [DllImport(Lib)] internal static extern IntPtr rt_unsqueeze(IntPtr a, long dim);
    [DllImport(Lib)] internal static extern IntPtr rt_slice(IntPtr a, long dim, long start, long end, long step);
    [DllImport(Lib)] internal static extern IntPtr rt_select(IntPtr a, long dim, long index);
    [DllImport(Lib)] internal static extern IntPtr rt_cat(IntPtr* ts, int n, long dim);
    [DllImport(Lib)] internal static extern IntPtr rt_stack(IntPtr* ts, int n, long dim);

    // indexing
    [DllImport(Lib)] internal static extern IntPtr rt_index_select(IntPtr a, long dim, IntPtr index);
    [DllImport(Lib)] internal static extern IntPtr rt_gather(IntPtr a, long dim, IntPtr index);
    [DllImport(Lib)] internal static extern IntPtr rt_masked_select(IntPtr a, IntPtr mask);
    [DllImport(Lib)] internal static extern IntPtr rt_masked_fill(IntPtr a, IntPtr mask, double value);
    [DllImport(Lib)] internal static extern IntPtr rt_nonzero(IntPtr a);
    [DllImport(Lib)] internal static extern IntPtr rt_index(IntPtr a, IntPtr* indices, int n);
    [DllImport(Lib)] internal static extern void rt_index_put_(IntPtr a, IntPtr* indices, int n, IntPtr values, int accumulate);

    // autograd
    [DllImport(Lib)] internal static extern void rt_set_requires_grad(IntPtr a, int on);
    [DllImport(Lib)] internal static extern int rt_requires_grad(IntPtr a);
    [DllImport(Lib)] internal static extern void rt_backward(IntPtr a, IntPtr grad);
    [DllImport(Lib)] internal static extern IntPtr rt_grad(IntPtr a);
    [DllImport(Lib)] internal static extern void rt_clear_grad(IntPtr a);
    [DllImport(Lib)] internal static extern IntPtr rt_detach(IntPtr a);
    [DllImport(Lib)] internal static extern int rt_set_grad_enabled(int on);
    [DllImport(Lib)] internal static extern int rt_is_grad_enabled();

    // nn
    [DllImport(Lib)] internal static extern IntPtr rt_conv2d(IntPtr x, IntPtr w, IntPtr b, long* stride, long* padding, long* dilation, long groups);
    [DllImport(Lib)] internal static extern IntPtr rt_linear(IntPtr x, IntPtr w, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr rt_batch_norm(IntPtr x, IntPtr w, IntPtr b, IntPtr rm, IntPtr rv, int training, double momentum, double eps);
    [DllImport(Lib)] internal static extern IntPtr rt_leaky_relu(IntPtr x, double slope);
    [DllImport(Lib)] internal static extern void rt_leaky_relu_(IntPtr x, double slope);
    [DllImport(Lib)] internal static extern IntPtr rt_softmax(IntPtr x, long dim);
    [DllImport(Lib)] internal static extern IntPtr rt_log_softmax(IntPtr x, long dim);
    [DllImport(Lib)] internal static extern IntPtr rt_max_pool2d(IntPtr x, long* kernel, long* stride, long* padding);
    [DllImport(Lib)] internal static extern IntPtr rt_adaptive_avg_pool2d(IntPtr x, long* output);
    [DllImport(Lib)] internal static extern IntPtr rt_upsample_nearest2d(IntPtr x, long* size);
    [DllImport(Lib)] internal static extern IntPtr rt_upsample_bilinear2d(IntPtr x, long* size, int alignCorners);
    [DllImport(Lib)] internal static extern IntPtr rt_bce_with_logits(IntPtr x, IntPtr y, IntPtr weight, IntPtr posWeight, long reduction);
    [DllImport(Lib)] internal static extern IntPtr rt_mse_loss(IntPtr x, IntPtr y, long reduction);
    [DllImport(Lib)] internal static extern IntPtr rt_cross_entropy(IntPtr x, IntPtr target, IntPtr weight, long reduction, long ignoreIndex);
    [DllImport(Lib)] internal static extern IntPtr rt_nms(IntPtr boxes, IntPtr scores, double iou);

    // images
    [DllImport(Lib)] internal static extern IntPtr rt_image_decode(byte* data, long length);
    [DllImport(Lib)] internal static extern IntPtr rt_image_encode(IntPtr image, [MarshalAs(UnmanagedType.LPUTF8Str)] string ext, int jpegQuality);
    [DllImport(Lib)] internal static extern IntPtr rt_image_resize(IntPtr image, long height, long width, int interpolation);
}
