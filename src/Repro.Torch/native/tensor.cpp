// Tensor lifecycle, properties, creation and raw data access.
#include "allocator.h"
#include "shim.h"

thread_local std::string rt_last_err;

// Before the first tensor is allocated: see allocator.h.
static const bool rt_allocator_policy_applied = (rt_keep_freed_memory(), true);

EXPORT void rt_release_free_memory() { rt_release_free_memory_now(); }

EXPORT const char* rt_last_error() { return rt_last_err.empty() ? nullptr : rt_last_err.c_str(); }

EXPORT void rt_free(Tensor t) { delete t; }

EXPORT const char* rt_version() { return TORCH_VERSION; }

// ---- properties -------------------------------------------------------------------------------------------

EXPORT int32_t rt_dim(Tensor t) { CATCH_RETURN(int32_t, -1, static_cast<int32_t>(t->dim())) }
EXPORT int64_t rt_numel(Tensor t) { CATCH_RETURN(int64_t, -1, t->numel()) }
EXPORT void rt_sizes(Tensor t, int64_t* out) {
    CATCH(auto s = t->sizes(); std::copy(s.begin(), s.end(), out);)
}
EXPORT int8_t rt_dtype(Tensor t) { CATCH_RETURN(int8_t, -1, static_cast<int8_t>(t->scalar_type())) }
EXPORT int32_t rt_device_type(Tensor t) { CATCH_RETURN(int32_t, -1, static_cast<int32_t>(t->device().type())) }
EXPORT int32_t rt_device_index(Tensor t) { CATCH_RETURN(int32_t, -1, static_cast<int32_t>(t->device().index())) }
EXPORT int32_t rt_is_contiguous(Tensor t, int8_t format) {
    CATCH_RETURN(int32_t, -1, t->is_contiguous(static_cast<at::MemoryFormat>(format)) ? 1 : 0)
}
EXPORT void* rt_data_ptr(Tensor t) { CATCH_RETURN(void*, nullptr, t->data_ptr()) }
EXPORT double rt_item(Tensor t) { CATCH_RETURN(double, 0.0, t->item<double>()) }
// libtorch's count of in-place writes to the tensor's data (every optimizer step, copy_ and running-statistics
// update bumps it): how a cache derived from a tensor knows it went stale.
EXPORT int64_t rt_version_counter(Tensor t) { CATCH_RETURN(int64_t, -1, static_cast<int64_t>(t->_version())) }

// ---- creation ---------------------------------------------------------------------------------------------

EXPORT Tensor rt_empty(const int64_t* shape, int32_t ndim, int8_t dtype, int32_t dt, int32_t di) {
    CATCH_TENSOR(at::empty(at::IntArrayRef(shape, ndim), rt_options(dtype, dt, di)))
}
EXPORT Tensor rt_zeros(const int64_t* shape, int32_t ndim, int8_t dtype, int32_t dt, int32_t di) {
    CATCH_TENSOR(at::zeros(at::IntArrayRef(shape, ndim), rt_options(dtype, dt, di)))
}
EXPORT Tensor rt_ones(const int64_t* shape, int32_t ndim, int8_t dtype, int32_t dt, int32_t di) {
    CATCH_TENSOR(at::ones(at::IntArrayRef(shape, ndim), rt_options(dtype, dt, di)))
}
EXPORT Tensor rt_full(const int64_t* shape, int32_t ndim, double value, int8_t dtype, int32_t dt, int32_t di) {
    CATCH_TENSOR(at::full(at::IntArrayRef(shape, ndim), value, rt_options(dtype, dt, di)))
}
EXPORT Tensor rt_arange(double start, double end, double step, int8_t dtype, int32_t dt, int32_t di) {
    CATCH_TENSOR(at::arange(start, end, step, rt_options(dtype, dt, di)))
}
// Copies `shape`'s worth of elements of `dtype` from `data` (CPU memory) into a new tensor.
EXPORT Tensor rt_from_data(const void* data, const int64_t* shape, int32_t ndim, int8_t dtype) {
    CATCH_TENSOR(at::from_blob(const_cast<void*>(data), at::IntArrayRef(shape, ndim),
                               at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype))).clone())
}

// ---- random -----------------------------------------------------------------------------------------------

EXPORT void rt_manual_seed(int64_t seed) { CATCH(torch::manual_seed(static_cast<uint64_t>(seed));) }

// A CPU generator: tensors are drawn on the CPU and moved, so a seed means the same numbers on every device.
EXPORT Generator rt_generator_new(int64_t seed) {
    Generator g = nullptr;
    CATCH(g = new at::Generator(at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(seed)));)
    return g;
}
EXPORT void rt_generator_free(Generator g) { delete g; }

static c10::optional<at::Generator> rt_gen(Generator g) {
    return g == nullptr ? c10::optional<at::Generator>() : c10::optional<at::Generator>(*g);
}
EXPORT Tensor rt_rand(const int64_t* shape, int32_t ndim, Generator g, int8_t dtype, int32_t dt, int32_t di) {
    CATCH_TENSOR(at::rand(at::IntArrayRef(shape, ndim), rt_gen(g), rt_options(dtype, 0, -1)).to(rt_options(dtype, dt, di)))
}
EXPORT Tensor rt_randn(const int64_t* shape, int32_t ndim, Generator g, int8_t dtype, int32_t dt, int32_t di) {
    CATCH_TENSOR(at::randn(at::IntArrayRef(shape, ndim), rt_gen(g), rt_options(dtype, 0, -1)).to(rt_options(dtype, dt, di)))
}
EXPORT Tensor rt_randperm(int64_t n, Generator g, int32_t dt, int32_t di) {
    CATCH_TENSOR(at::randperm(n, rt_gen(g), rt_options(static_cast<int8_t>(at::kLong), 0, -1)).to(rt_options(static_cast<int8_t>(at::kLong), dt, di)))
}

// ---- conversion -------------------------------------------------------------------------------------------

EXPORT Tensor rt_to(Tensor t, int8_t dtype, int32_t dt, int32_t di) {
    CATCH_TENSOR(t->to(rt_options(dtype, dt, di)))
}
EXPORT Tensor rt_clone(Tensor t) { CATCH_TENSOR(t->clone()) }
EXPORT Tensor rt_contiguous(Tensor t, int8_t format) { CATCH_TENSOR(t->contiguous(static_cast<at::MemoryFormat>(format))) }
EXPORT Tensor rt_alias(Tensor t) { CATCH_TENSOR(at::Tensor(*t)) }

// ---- runtime ----------------------------------------------------------------------------------------------

EXPORT void rt_set_num_threads(int32_t n) { CATCH(at::set_num_threads(n);) }
EXPORT int32_t rt_get_num_threads() { CATCH_RETURN(int32_t, -1, at::get_num_threads()) }

// The OpenMP runtime libtorch itself uses, found through libtorch's dependencies when the shim loads (weak: absent
// when libtorch was built without OpenMP).
extern "C" void omp_set_num_threads(int) __attribute__((weak));

// Sets the OpenMP thread count of the calling thread only. libtorch applies its global count to a thread at the
// thread's first parallel op; at::get_num_threads() makes that happen now, so it cannot undo this afterwards.
EXPORT void rt_set_num_threads_on_this_thread(int32_t n) {
    CATCH(at::get_num_threads();
          if (omp_set_num_threads != nullptr) omp_set_num_threads(n);)
}
EXPORT int32_t rt_cuda_is_available() { CATCH_RETURN(int32_t, 0, torch::cuda::is_available() ? 1 : 0) }
EXPORT int32_t rt_cuda_device_count() { CATCH_RETURN(int32_t, 0, static_cast<int32_t>(torch::cuda::device_count())) }
EXPORT void rt_cuda_synchronize(int32_t device) {
    CATCH(if (torch::cuda::is_available()) torch::cuda::synchronize(device);)
}
// Deterministic algorithms (cuDNN and friends) and float32 computed as float32: cuDNN's convolutions default to TF32
// (a 10-bit mantissa) on Ampere and later GPUs, a thousand times float32's rounding. On the CPU libtorch is already
// deterministic and TF32 does not exist.
EXPORT void rt_set_deterministic(int32_t on) {
    CATCH(at::globalContext().setDeterministicAlgorithms(on != 0, /*warn_only=*/true);
          at::globalContext().setBenchmarkCuDNN(false);
          at::globalContext().setAllowTF32CuDNN(on == 0);
          at::globalContext().setAllowTF32CuBLAS(on == 0);)
}
