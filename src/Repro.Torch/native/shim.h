// The C ABI of the Repro libtorch shim.
//
// Shape of every entry point (after TorchSharp's LibTorchSharp):
//   * tensors cross the boundary as opaque handles (a heap-allocated at::Tensor*), owned by the caller,
//     released with rt_free;
//   * no C++ exception ever crosses the boundary: each body runs inside CATCH, which stores the message in a
//     thread-local string that .NET reads with rt_last_error after every call;
//   * a failed call returns a null handle / zero, and the .NET side turns the stored message into an exception.
#pragma once

#include <torch/torch.h>
#include <cstdint>
#include <cstring>
#include <string>

#define EXPORT extern "C" __attribute__((visibility("default")))

typedef at::Tensor* Tensor;
typedef at::Generator* Generator;

// The last error of this thread, or empty. Set by CATCH, read by rt_last_error.
extern thread_local std::string rt_last_err;

#define CATCH(body)                                                                       \
    rt_last_err.clear();                                                                  \
    try { body }                                                                          \
    catch (const c10::Error& e) { rt_last_err = e.what_without_backtrace(); }             \
    catch (const std::exception& e) { rt_last_err = e.what(); }                           \
    catch (...) { rt_last_err = "unknown C++ exception"; }

// Runs expr (an at::Tensor expression) and returns a new handle, or null on error.
#define CATCH_TENSOR(expr)                                                                \
    at::Tensor rt_res_;                                                                   \
    CATCH(rt_res_ = (expr);)                                                              \
    return rt_res_.defined() ? new at::Tensor(std::move(rt_res_)) : nullptr;

// Runs expr (a scalar expression) and returns it, or fallback on error.
#define CATCH_RETURN(type, fallback, expr)                                                \
    type rt_ret_ = fallback;                                                              \
    CATCH(rt_ret_ = (expr);)                                                              \
    return rt_ret_;

inline at::TensorOptions rt_options(int8_t dtype, int32_t device_type, int32_t device_index) {
    return at::TensorOptions()
        .dtype(static_cast<at::ScalarType>(dtype))
        .device(c10::Device(static_cast<c10::DeviceType>(device_type), static_cast<c10::DeviceIndex>(device_index)));
}

// A null handle means "no tensor" (an optional argument left out).
inline c10::optional<at::Tensor> rt_optional(Tensor t) {
    return t == nullptr ? c10::optional<at::Tensor>() : c10::optional<at::Tensor>(*t);
}

inline std::vector<at::Tensor> rt_list(const Tensor* ts, int32_t n) {
    std::vector<at::Tensor> out;
    out.reserve(n);
    for (int32_t i = 0; i < n; ++i) out.push_back(*ts[i]);
    return out;
}

inline Tensor rt_wrap(at::Tensor t) { return new at::Tensor(std::move(t)); }
