using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;

namespace Repro.Torch.Native;

// The C ABI of native/ (see native/shim.h). Every call is followed by a check of rt_last_error (NativeCheck),
// so a libtorch error surfaces as a TorchException with libtorch's message instead of ending the process.
// Arguments are blittable (handles, numbers, pointers), which keeps each call in the tens of nanoseconds. Tensors
// and generators are passed as the objects themselves, never as raw handles: their marshallers (HandleMarshallers)
// hand over the handle and keep the object reachable until the call returns, so a temporary cannot be finalized —
// and its native tensor freed — while libtorch still reads it. Raw handle arrays (cat, stack, index) are kept alive
// by their callers with GC.KeepAlive.
internal static unsafe partial class LibTorch
{
    private const string Lib = "repro_torch";

    [LibraryImport(Lib)] internal static partial IntPtr rt_last_error();
    [LibraryImport(Lib)] internal static partial void rt_free(IntPtr t);
    [LibraryImport(Lib)] internal static partial IntPtr rt_version();

    // properties
    [LibraryImport(Lib)] internal static partial int rt_dim(Tensor t);
    [LibraryImport(Lib)] internal static partial long rt_numel(Tensor t);
    [LibraryImport(Lib)] internal static partial void rt_sizes(Tensor t, long* output);
    [LibraryImport(Lib)] internal static partial sbyte rt_dtype(Tensor t);
    [LibraryImport(Lib)] internal static partial int rt_device_type(Tensor t);
    [LibraryImport(Lib)] internal static partial int rt_device_index(Tensor t);
    [LibraryImport(Lib)] internal static partial int rt_is_contiguous(Tensor t, sbyte format);
    [LibraryImport(Lib)] internal static partial void* rt_data_ptr(Tensor t);
    [LibraryImport(Lib)] internal static partial double rt_item(Tensor t);
    [LibraryImport(Lib)] internal static partial long rt_version_counter(Tensor t);

    // creation
    [LibraryImport(Lib)] internal static partial IntPtr rt_empty(long* shape, int ndim, sbyte dtype, int dt, int di);
    [LibraryImport(Lib)] internal static partial IntPtr rt_zeros(long* shape, int ndim, sbyte dtype, int dt, int di);
    [LibraryImport(Lib)] internal static partial IntPtr rt_ones(long* shape, int ndim, sbyte dtype, int dt, int di);
    [LibraryImport(Lib)] internal static partial IntPtr rt_full(long* shape, int ndim, double value, sbyte dtype, int dt, int di);
    [LibraryImport(Lib)] internal static partial IntPtr rt_arange(double start, double end, double step, sbyte dtype, int dt, int di);
    [LibraryImport(Lib)] internal static partial IntPtr rt_from_data(void* data, long* shape, int ndim, sbyte dtype);

    // random
    [LibraryImport(Lib)] internal static partial void rt_manual_seed(long seed);
    [LibraryImport(Lib)] internal static partial IntPtr rt_generator_new(long seed);
    [LibraryImport(Lib)] internal static partial void rt_generator_free(IntPtr g);
    [LibraryImport(Lib)] internal static partial IntPtr rt_rand(long* shape, int ndim, [MarshalUsing(typeof(OptionalGeneratorMarshaller))] Generator? g, sbyte dtype, int dt, int di);
    [LibraryImport(Lib)] internal static partial IntPtr rt_randn(long* shape, int ndim, [MarshalUsing(typeof(OptionalGeneratorMarshaller))] Generator? g, sbyte dtype, int dt, int di);
    [LibraryImport(Lib)] internal static partial IntPtr rt_randperm(long n, [MarshalUsing(typeof(OptionalGeneratorMarshaller))] Generator? g, int dt, int di);

    // conversion
    [LibraryImport(Lib)] internal static partial IntPtr rt_to(Tensor t, sbyte dtype, int dt, int di);
    [LibraryImport(Lib)] internal static partial IntPtr rt_clone(Tensor t);
    [LibraryImport(Lib)] internal static partial IntPtr rt_contiguous(Tensor t, sbyte format);
    [LibraryImport(Lib)] internal static partial void rt_set_num_threads_on_this_thread(int n);
    [LibraryImport(Lib)] internal static partial IntPtr rt_alias(Tensor t);

    // runtime
    [LibraryImport(Lib)] internal static partial void rt_set_num_threads(int n);
    [LibraryImport(Lib)] internal static partial void rt_release_free_memory();
    [LibraryImport(Lib)] internal static partial int rt_get_num_threads();
    [LibraryImport(Lib)] internal static partial int rt_cuda_is_available();
    [LibraryImport(Lib)] internal static partial int rt_cuda_device_count();
    [LibraryImport(Lib)] internal static partial void rt_cuda_synchronize(int device);
    [LibraryImport(Lib)] internal static partial void rt_set_deterministic(int on);

    // element-wise
    [LibraryImport(Lib)] internal static partial IntPtr rt_add(Tensor a, Tensor b);
    [LibraryImport(Lib)] internal static partial IntPtr rt_sub(Tensor a, Tensor b);
    [LibraryImport(Lib)] internal static partial IntPtr rt_mul(Tensor a, Tensor b);
    [LibraryImport(Lib)] internal static partial IntPtr rt_div(Tensor a, Tensor b);
    [LibraryImport(Lib)] internal static partial IntPtr rt_pow(Tensor a, Tensor b);
    [LibraryImport(Lib)] internal static partial IntPtr rt_matmul(Tensor a, Tensor b);
    [LibraryImport(Lib)] internal static partial IntPtr rt_maximum(Tensor a, Tensor b);
    [LibraryImport(Lib)] internal static partial IntPtr rt_minimum(Tensor a, Tensor b);
    [LibraryImport(Lib)] internal static partial IntPtr rt_add_scalar(Tensor a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr rt_sub_scalar(Tensor a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr rt_rsub_scalar(Tensor a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr rt_mul_scalar(Tensor a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr rt_div_scalar(Tensor a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr rt_rdiv_scalar(Tensor a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr rt_pow_scalar(Tensor a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr rt_neg(Tensor a);
    [LibraryImport(Lib)] internal static partial IntPtr rt_abs(Tensor a);
    [LibraryImport(Lib)] internal static partial IntPtr rt_exp(Tensor a);
    [LibraryImport(Lib)] internal static partial IntPtr rt_log(Tensor a);
    [LibraryImport(Lib)] internal static partial IntPtr rt_sqrt(Tensor a);
    [LibraryImport(Lib)] internal static partial IntPtr rt_square(Tensor a);
    [LibraryImport(Lib)] internal static partial IntPtr rt_sigmoid(Tensor a);
    [LibraryImport(Lib)] internal static partial IntPtr rt_tanh(Tensor a);
    [LibraryImport(Lib)] internal static partial IntPtr rt_relu(Tensor a);
    [LibraryImport(Lib)] internal static partial IntPtr rt_floor(Tensor a);
    [LibraryImport(Lib)] internal static partial IntPtr rt_ceil(Tensor a);
    [LibraryImport(Lib)] internal static partial IntPtr rt_round(Tensor a);
    [LibraryImport(Lib)] internal static partial IntPtr rt_sign(Tensor a);
    [LibraryImport(Lib)] internal static partial IntPtr rt_isfinite(Tensor a);
    [LibraryImport(Lib)] internal static partial IntPtr rt_logical_not(Tensor a);
    [LibraryImport(Lib)] internal static partial IntPtr rt_clamp(Tensor a, double lo, double hi, int hasLo, int hasHi);
    [LibraryImport(Lib)] internal static partial IntPtr rt_where(Tensor cond, Tensor a, Tensor b);

    // in place
    [LibraryImport(Lib)] internal static partial void rt_zero_(Tensor a);
    [LibraryImport(Lib)] internal static partial void rt_fill_(Tensor a, double s);
    [LibraryImport(Lib)] internal static partial void rt_mul_scalar_(Tensor a, double s);
    [LibraryImport(Lib)] internal static partial void rt_add_scalar_(Tensor a, double s);
    [LibraryImport(Lib)] internal static partial void rt_copy_(Tensor a, Tensor b);
    [LibraryImport(Lib)] internal static partial void rt_mul_(Tensor a, Tensor b);
    [LibraryImport(Lib)] internal static partial void rt_add_(Tensor a, Tensor b, double alpha);
    [LibraryImport(Lib)] internal static partial void rt_addcmul_(Tensor a, Tensor b, Tensor c, double value);
    [LibraryImport(Lib)] internal static partial void rt_addcdiv_(Tensor a, Tensor b, Tensor c, double value);
    [LibraryImport(Lib)] internal static partial void rt_uniform_(Tensor a, double lo, double hi, [MarshalUsing(typeof(OptionalGeneratorMarshaller))] Generator? g);

    // comparisons
    [LibraryImport(Lib)] internal static partial IntPtr rt_eq(Tensor a, Tensor b);
    [LibraryImport(Lib)] internal static partial IntPtr rt_ne(Tensor a, Tensor b);
    [LibraryImport(Lib)] internal static partial IntPtr rt_lt(Tensor a, Tensor b);
    [LibraryImport(Lib)] internal static partial IntPtr rt_le(Tensor a, Tensor b);
    [LibraryImport(Lib)] internal static partial IntPtr rt_gt(Tensor a, Tensor b);
    [LibraryImport(Lib)] internal static partial IntPtr rt_ge(Tensor a, Tensor b);
    [LibraryImport(Lib)] internal static partial IntPtr rt_eq_scalar(Tensor a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr rt_ne_scalar(Tensor a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr rt_lt_scalar(Tensor a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr rt_le_scalar(Tensor a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr rt_gt_scalar(Tensor a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr rt_ge_scalar(Tensor a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr rt_logical_and(Tensor a, Tensor b);
    [LibraryImport(Lib)] internal static partial IntPtr rt_logical_or(Tensor a, Tensor b);
    [LibraryImport(Lib)] internal static partial int rt_equal(Tensor a, Tensor b);
    [LibraryImport(Lib)] internal static partial int rt_allclose(Tensor a, Tensor b, double rtol, double atol);

    // reductions
    [LibraryImport(Lib)] internal static partial IntPtr rt_sum(Tensor a);
    [LibraryImport(Lib)] internal static partial IntPtr rt_mean(Tensor a);
    [LibraryImport(Lib)] internal static partial IntPtr rt_max(Tensor a);
    [LibraryImport(Lib)] internal static partial IntPtr rt_min(Tensor a);
    [LibraryImport(Lib)] internal static partial IntPtr rt_sum_dims(Tensor a, long* dims, int n, int keepdim);
    [LibraryImport(Lib)] internal static partial IntPtr rt_mean_dims(Tensor a, long* dims, int n, int keepdim);
    [LibraryImport(Lib)] internal static partial IntPtr rt_var_dims(Tensor a, long* dims, int n, int unbiased, int keepdim);
    [LibraryImport(Lib)] internal static partial IntPtr rt_amax(Tensor a, long* dims, int n, int keepdim);
    [LibraryImport(Lib)] internal static partial IntPtr rt_amin(Tensor a, long* dims, int n, int keepdim);
    [LibraryImport(Lib)] internal static partial IntPtr rt_argmax(Tensor a, long dim, int keepdim);
    [LibraryImport(Lib)] internal static partial void rt_max_dim(Tensor a, long dim, int keepdim, IntPtr* values, IntPtr* indices);
    [LibraryImport(Lib)] internal static partial void rt_sort(Tensor a, long dim, int descending, int stable, IntPtr* values, IntPtr* indices);
    [LibraryImport(Lib)] internal static partial void rt_topk(Tensor a, long k, long dim, int largest, IntPtr* values, IntPtr* indices);
    [LibraryImport(Lib)] internal static partial IntPtr rt_cumsum(Tensor a, long dim);

    // shape
    [LibraryImport(Lib)] internal static partial IntPtr rt_reshape(Tensor a, long* shape, int n);
    [LibraryImport(Lib)] internal static partial IntPtr rt_view(Tensor a, long* shape, int n);
    [LibraryImport(Lib)] internal static partial IntPtr rt_expand(Tensor a, long* shape, int n);
    [LibraryImport(Lib)] internal static partial IntPtr rt_repeat(Tensor a, long* reps, int n);
    [LibraryImport(Lib)] internal static partial IntPtr rt_permute(Tensor a, long* dims, int n);
    [LibraryImport(Lib)] internal static partial IntPtr rt_transpose(Tensor a, long d0, long d1);
    [LibraryImport(Lib)] internal static partial IntPtr rt_flatten(Tensor a, long start, long end);
    [LibraryImport(Lib)] internal static partial IntPtr rt_squeeze(Tensor a, long dim);
    [LibraryImport(Lib)] internal static partial IntPtr rt_unsqueeze(Tensor a, long dim);
    [LibraryImport(Lib)] internal static partial IntPtr rt_slice(Tensor a, long dim, long start, long end, long step);
    [LibraryImport(Lib)] internal static partial IntPtr rt_select(Tensor a, long dim, long index);
    [LibraryImport(Lib)] internal static partial IntPtr rt_cat(IntPtr* ts, int n, long dim);
    [LibraryImport(Lib)] internal static partial IntPtr rt_stack(IntPtr* ts, int n, long dim);

    // indexing
    [LibraryImport(Lib)] internal static partial IntPtr rt_index_select(Tensor a, long dim, Tensor index);
    [LibraryImport(Lib)] internal static partial IntPtr rt_gather(Tensor a, long dim, Tensor index);
    [LibraryImport(Lib)] internal static partial IntPtr rt_masked_select(Tensor a, Tensor mask);
    [LibraryImport(Lib)] internal static partial IntPtr rt_masked_fill(Tensor a, Tensor mask, double value);
    [LibraryImport(Lib)] internal static partial IntPtr rt_nonzero(Tensor a);
    [LibraryImport(Lib)] internal static partial IntPtr rt_index(Tensor a, IntPtr* indices, int n);
    [LibraryImport(Lib)] internal static partial void rt_index_put_(Tensor a, IntPtr* indices, int n, Tensor values, int accumulate);

    // autograd
    [LibraryImport(Lib)] internal static partial void rt_set_requires_grad(Tensor a, int on);
    [LibraryImport(Lib)] internal static partial int rt_requires_grad(Tensor a);
    [LibraryImport(Lib)] internal static partial void rt_backward(Tensor a, [MarshalUsing(typeof(OptionalTensorMarshaller))] Tensor? grad);
    [LibraryImport(Lib)] internal static partial IntPtr rt_grad(Tensor a);
    [LibraryImport(Lib)] internal static partial void rt_clear_grad(Tensor a);
    [LibraryImport(Lib)] internal static partial IntPtr rt_detach(Tensor a);
    [LibraryImport(Lib)] internal static partial int rt_set_grad_enabled(int on);
    [LibraryImport(Lib)] internal static partial int rt_is_grad_enabled();

    // nn
    [LibraryImport(Lib)] internal static partial IntPtr rt_conv2d(Tensor x, Tensor w, [MarshalUsing(typeof(OptionalTensorMarshaller))] Tensor? b, long* stride, long* padding, long* dilation, long groups);
    [LibraryImport(Lib)] internal static partial IntPtr rt_linear(Tensor x, Tensor w, [MarshalUsing(typeof(OptionalTensorMarshaller))] Tensor? b);
    [LibraryImport(Lib)] internal static partial IntPtr rt_batch_norm(Tensor x, [MarshalUsing(typeof(OptionalTensorMarshaller))] Tensor? w, [MarshalUsing(typeof(OptionalTensorMarshaller))] Tensor? b, [MarshalUsing(typeof(OptionalTensorMarshaller))] Tensor? rm, [MarshalUsing(typeof(OptionalTensorMarshaller))] Tensor? rv, int training, double momentum, double eps);
    [LibraryImport(Lib)] internal static partial IntPtr rt_leaky_relu(Tensor x, double slope);
    [LibraryImport(Lib)] internal static partial void rt_leaky_relu_(Tensor x, double slope);
    [LibraryImport(Lib)] internal static partial IntPtr rt_batch_norm_leaky_relu(Tensor x, [MarshalUsing(typeof(OptionalTensorMarshaller))] Tensor? w, [MarshalUsing(typeof(OptionalTensorMarshaller))] Tensor? b, [MarshalUsing(typeof(OptionalTensorMarshaller))] Tensor? rm, [MarshalUsing(typeof(OptionalTensorMarshaller))] Tensor? rv, double momentum, double eps, double slope);
    [LibraryImport(Lib)] internal static partial IntPtr rt_softmax(Tensor x, long dim);
    [LibraryImport(Lib)] internal static partial IntPtr rt_log_softmax(Tensor x, long dim);
    [LibraryImport(Lib)] internal static partial IntPtr rt_max_pool2d(Tensor x, long* kernel, long* stride, long* padding);
    [LibraryImport(Lib)] internal static partial IntPtr rt_adaptive_avg_pool2d(Tensor x, long* output);
    [LibraryImport(Lib)] internal static partial IntPtr rt_upsample_nearest2d(Tensor x, long* size);
    [LibraryImport(Lib)] internal static partial IntPtr rt_upsample_bilinear2d(Tensor x, long* size, int alignCorners);
    [LibraryImport(Lib)] internal static partial IntPtr rt_bce_with_logits(Tensor x, Tensor y, [MarshalUsing(typeof(OptionalTensorMarshaller))] Tensor? weight, [MarshalUsing(typeof(OptionalTensorMarshaller))] Tensor? posWeight, long reduction);
    [LibraryImport(Lib)] internal static partial IntPtr rt_mse_loss(Tensor x, Tensor y, long reduction);
    [LibraryImport(Lib)] internal static partial IntPtr rt_cross_entropy(Tensor x, Tensor target, [MarshalUsing(typeof(OptionalTensorMarshaller))] Tensor? weight, long reduction, long ignoreIndex);
    [LibraryImport(Lib)] internal static partial IntPtr rt_nms(Tensor boxes, Tensor scores, double iou);

    // optimizers
    [LibraryImport(Lib)] internal static partial void rt_adam_step(IntPtr* parameters, IntPtr* expAvg, IntPtr* expAvgSq, int n, double lr, double beta1, double beta2, double eps, double weightDecay, long step);

    // inference convs (oneDNN directly; native/inference.cpp)
    [LibraryImport(Lib)] internal static partial IntPtr rt_inference_conv_new(Tensor weight, Tensor bias, long stride, long padding, double leakySlope);
    [LibraryImport(Lib)] internal static partial void rt_inference_conv_free(IntPtr conv);
    [LibraryImport(Lib)] internal static partial IntPtr rt_inference_conv_forward(IntPtr conv, Tensor input);
    [LibraryImport(Lib)] internal static partial int rt_inference_conv_uses_onednn();

    // profiler (legacy autograd profiler; begin and end on the same thread)
    [LibraryImport(Lib)] internal static partial IntPtr rt_profile_begin([MarshalAs(UnmanagedType.LPUTF8Str)] string path);
    [LibraryImport(Lib)] internal static partial void rt_profile_end(IntPtr profile);

    // images
    [LibraryImport(Lib)] internal static partial IntPtr rt_image_decode(byte* data, long length);
    [LibraryImport(Lib)] internal static partial IntPtr rt_image_encode(Tensor image, [MarshalAs(UnmanagedType.LPUTF8Str)] string ext, int jpegQuality);
    [LibraryImport(Lib)] internal static partial IntPtr rt_image_resize(Tensor image, long height, long width, int interpolation);
}
