// Training-mode batch norm followed by a leaky ReLU, as one autograd op over a channels-last tensor.
//
// Why: libtorch runs the pair as three kernels forward (statistics, normalise, leaky ReLU in place) and two backward
// (leaky ReLU's, then batch norm's two passes), each a sweep over the activation. Fused, the forward reads the input
// twice and writes the output once, and the backward reads the gradient and the input twice and writes once. The
// output is never saved: the backward recomputes the pre-activation's sign from the input.
//
// Channels-last means the activation is M = N·H·W rows of C contiguous values, so every loop runs along a row with a
// per-channel coefficient vector, which the compiler vectorises. Sums per channel are taken in double over blocks of
// a fixed number of rows and the blocks are added in order: the result does not depend on the thread count, and
// E[x²] − E[x]² in double loses nothing that matters for float inputs.
//
// Same semantics as at::batch_norm (training) + at::leaky_relu_: biased variance to normalise, unbiased variance into
// the running statistics, running = (1 − momentum)·running + momentum·batch. Equal to them up to float rounding.
#include "shim.h"
#include <torch/csrc/autograd/custom_function.h>
#include <ATen/Parallel.h>
#include <ATen/record_function.h>
#include <torch/csrc/autograd/variable.h>

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

constexpr int64_t kBlockRows = 64;

// The leaky ReLU and its derivative without a branch (the sign of an activation is a coin toss, and a mispredicted
// branch per element costs more than the arithmetic): max/min and a select compile to vector instructions.
// leaky(z) is exactly z for z > 0 and exactly z·slope otherwise, as libtorch's.
template <typename T>
inline T leaky(T z, T slope) { return std::max(z, T(0)) + slope * std::min(z, T(0)); }
template <typename T>
inline T leaky_slope_at(T z, T slope) { return z > 0 ? T(1) : slope; }

// ---- row kernels: rows [begin, end) of C values each, vectorised along the row ----------------------------------
// Each is written once (…_impl) and compiled for AVX-512, AVX2 and the x86-64 baseline (float, chosen at load time
// by the CPU) — libtorch's own kernels do the same. The file is compiled with -ffp-contract=off, and every loop runs
// along channels with each channel's sum taken row after row, so the vector width changes no result: all three give
// the same bytes.

#define ALWAYS_INLINE inline __attribute__((always_inline))
#if defined(__x86_64__)
#define VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define VECTOR_CLONES
#endif

// sx[c] += Σ x, sxx[c] += Σ x² (in double).
template <typename T>
ALWAYS_INLINE void stats_rows_impl(const T* x, int64_t begin, int64_t end, int64_t C, double* __restrict sx,
                                   double* __restrict sxx) {
    for (int64_t r = begin; r < end; ++r) {
        const T* __restrict row = x + r * C;
        for (int64_t c = 0; c < C; ++c) {
            const double v = row[c];
            sx[c] += v;
            sxx[c] += v * v;
        }
    }
}

// y = leaky(x·scale + shift).
template <typename T>
ALWAYS_INLINE void apply_rows_impl(const T* x, T* y, int64_t begin, int64_t end, int64_t C, const T* __restrict scale,
                                   const T* __restrict shift, T slope) {
    for (int64_t r = begin; r < end; ++r) {
        const T* __restrict in = x + r * C;
        T* __restrict out = y + r * C;
        for (int64_t c = 0; c < C; ++c) out[c] = leaky(in[c] * scale[c] + shift[c], slope);
    }
}

// dz = dy·leaky'(x·scale + shift); sdz[c] += Σ dz, sdzxc[c] += Σ dz·(x − mean) (in double).
template <typename T>
ALWAYS_INLINE void gradient_sums_rows_impl(const T* dy, const T* x, int64_t begin, int64_t end, int64_t C,
                                           const T* __restrict scale, const T* __restrict shift,
                                           const double* __restrict mean, T slope, double* __restrict sdz,
                                           double* __restrict sdzxc) {
    for (int64_t r = begin; r < end; ++r) {
        const T* __restrict g = dy + r * C;
        const T* __restrict in = x + r * C;
        for (int64_t c = 0; c < C; ++c) {
            const double dz = g[c] * leaky_slope_at(in[c] * scale[c] + shift[c], slope);
            sdz[c] += dz;
            sdzxc[c] += dz * (static_cast<double>(in[c]) - mean[c]);
        }
    }
}

// dx = k·dz − k_dz − k_xc·(x − mean).
template <typename T>
ALWAYS_INLINE void input_gradient_rows_impl(const T* dy, const T* x, T* dx, int64_t begin, int64_t end, int64_t C,
                                            const T* __restrict scale, const T* __restrict shift, T slope,
                                            const T* __restrict k, const T* __restrict k_dz,
                                            const T* __restrict k_xc, const T* __restrict mean) {
    for (int64_t r = begin; r < end; ++r) {
        const T* __restrict g = dy + r * C;
        const T* __restrict in = x + r * C;
        T* __restrict out = dx + r * C;
        for (int64_t c = 0; c < C; ++c) {
            const T dz = g[c] * leaky_slope_at(in[c] * scale[c] + shift[c], slope);
            out[c] = k[c] * dz - k_dz[c] - k_xc[c] * (in[c] - mean[c]);
        }
    }
}

VECTOR_CLONES void stats_rows(const float* x, int64_t b, int64_t e, int64_t C, double* sx, double* sxx) {
    stats_rows_impl(x, b, e, C, sx, sxx);
}
void stats_rows(const double* x, int64_t b, int64_t e, int64_t C, double* sx, double* sxx) {
    stats_rows_impl(x, b, e, C, sx, sxx);
}
VECTOR_CLONES void apply_rows(const float* x, float* y, int64_t b, int64_t e, int64_t C, const float* scale,
                              const float* shift, float slope) {
    apply_rows_impl(x, y, b, e, C, scale, shift, slope);
}
void apply_rows(const double* x, double* y, int64_t b, int64_t e, int64_t C, const double* scale, const double* shift,
                double slope) {
    apply_rows_impl(x, y, b, e, C, scale, shift, slope);
}
VECTOR_CLONES void gradient_sums_rows(const float* dy, const float* x, int64_t b, int64_t e, int64_t C,
                                      const float* scale, const float* shift, const double* mean, float slope,
                                      double* sdz, double* sdzxc) {
    gradient_sums_rows_impl(dy, x, b, e, C, scale, shift, mean, slope, sdz, sdzxc);
}
void gradient_sums_rows(const double* dy, const double* x, int64_t b, int64_t e, int64_t C, const double* scale,
                        const double* shift, const double* mean, double slope, double* sdz, double* sdzxc) {
    gradient_sums_rows_impl(dy, x, b, e, C, scale, shift, mean, slope, sdz, sdzxc);
}
VECTOR_CLONES void input_gradient_rows(const float* dy, const float* x, float* dx, int64_t b, int64_t e, int64_t C,
                                       const float* scale, const float* shift, float slope, const float* k,
                                       const float* k_dz, const float* k_xc, const float* mean) {
    input_gradient_rows_impl(dy, x, dx, b, e, C, scale, shift, slope, k, k_dz, k_xc, mean);
}
void input_gradient_rows(const double* dy, const double* x, double* dx, int64_t b, int64_t e, int64_t C,
                         const double* scale, const double* shift, double slope, const double* k, const double* k_dz,
                         const double* k_xc, const double* mean) {
    input_gradient_rows_impl(dy, x, dx, b, e, C, scale, shift, slope, k, k_dz, k_xc, mean);
}

// ---- the two passes each way ----------------------------------------------------------------------------------

// Per-channel sums over blocks of kBlockRows rows (block_sums(begin, end, sums of that block)), then the blocks
// added in order into out: the same result on any number of threads.
template <typename BlockSums>
void blocked_channel_sums(int64_t rows, int64_t channels, int64_t sums_per_channel, BlockSums block_sums, double* out) {
    const int64_t blocks = (rows + kBlockRows - 1) / kBlockRows;
    const int64_t width = sums_per_channel * channels;
    std::vector<double> partial(static_cast<size_t>(blocks * width), 0.0);
    at::parallel_for(0, blocks, 1, [&](int64_t begin, int64_t end) {
        for (int64_t b = begin; b < end; ++b)
            block_sums(b * kBlockRows, std::min(rows, (b + 1) * kBlockRows), &partial[b * width]);
    });
    std::fill(out, out + width, 0.0);
    for (int64_t b = 0; b < blocks; ++b)
        for (int64_t k = 0; k < width; ++k) out[k] += partial[b * width + k];
}

// Writes y and, per channel, the batch's mean, biased variance and 1/√(var + ε), and the coefficients of
// y = leaky(x·scale + shift) in the input's type (kept for the backward, which recomputes the same pre-activations).
template <typename scalar_t>
void forward_kernel(const scalar_t* x, scalar_t* y, int64_t rows, int64_t channels, const scalar_t* weight,
                    const scalar_t* bias, double eps, double slope, double* mean, double* var, double* invstd,
                    scalar_t* scale, scalar_t* shift) {
    std::vector<double> sums(static_cast<size_t>(2 * channels));
    blocked_channel_sums(rows, channels, 2, [&](int64_t begin, int64_t end, double* s) {
        stats_rows(x, begin, end, channels, s, s + channels);
    }, sums.data());
    for (int64_t c = 0; c < channels; ++c) {
        mean[c] = sums[c] / rows;
        var[c] = std::max(sums[channels + c] / rows - mean[c] * mean[c], 0.0);
        invstd[c] = 1 / std::sqrt(var[c] + eps);
        const double s = (weight ? static_cast<double>(weight[c]) : 1.0) * invstd[c];
        scale[c] = static_cast<scalar_t>(s);
        shift[c] = static_cast<scalar_t>((bias ? static_cast<double>(bias[c]) : 0.0) - mean[c] * s);
    }
    at::parallel_for(0, rows, kBlockRows, [&](int64_t begin, int64_t end) {
        apply_rows(x, y, begin, end, channels, scale, shift, static_cast<scalar_t>(slope));
    });
}

// dz = dy·leaky'(z), z recomputed from x exactly as the forward computed it (same scale, shift, operations);
// dγ = Σ dz·x̂, dβ = Σ dz, dx = γ·invstd·(dz − dβ/M − x̂·dγ/M) with x̂ = (x − mean)·invstd.
template <typename scalar_t>
void backward_kernel(const scalar_t* dy, const scalar_t* x, scalar_t* dx, int64_t rows, int64_t channels,
                     const scalar_t* scale, const scalar_t* shift, const double* mean, const double* invstd,
                     const scalar_t* weight, double slope, double* dweight, double* dbias) {
    const scalar_t negative = static_cast<scalar_t>(slope);
    std::vector<double> sums(static_cast<size_t>(2 * channels));
    blocked_channel_sums(rows, channels, 2, [&](int64_t begin, int64_t end, double* s) {
        gradient_sums_rows(dy, x, begin, end, channels, scale, shift, mean, negative, s, s + channels);
    }, sums.data());
    // dx = k·dz − k·(dβ/M) − k·invstd²·(dγ'/M)·(x − mean), with k = γ·invstd and dγ' = Σ dz·(x − mean).
    std::vector<scalar_t> k(channels), k_dz(channels), k_xc(channels), mean_t(channels);
    for (int64_t c = 0; c < channels; ++c) {
        const double kc = (weight ? static_cast<double>(weight[c]) : 1.0) * invstd[c];
        dbias[c] = sums[c];
        dweight[c] = sums[channels + c] * invstd[c];
        k[c] = static_cast<scalar_t>(kc);
        k_dz[c] = static_cast<scalar_t>(kc * sums[c] / rows);
        k_xc[c] = static_cast<scalar_t>(kc * invstd[c] * invstd[c] * sums[channels + c] / rows);
        mean_t[c] = static_cast<scalar_t>(mean[c]);
    }
    at::parallel_for(0, rows, kBlockRows, [&](int64_t begin, int64_t end) {
        input_gradient_rows(dy, x, dx, begin, end, channels, scale, shift, negative, k.data(), k_dz.data(),
                            k_xc.data(), mean_t.data());
    });
}

struct BatchNormLeaky : public torch::autograd::Function<BatchNormLeaky> {
    // Optional tensors, because autograd's custom functions take no undefined at::Tensor among their inputs.
    static at::Tensor forward(AutogradContext* ctx, at::Tensor input, c10::optional<at::Tensor> weight_,
                              c10::optional<at::Tensor> bias_, c10::optional<at::Tensor> running_mean_,
                              c10::optional<at::Tensor> running_var_, double momentum, double eps, double slope) {
        const at::Tensor weight = weight_.value_or(at::Tensor()), bias = bias_.value_or(at::Tensor());
        const at::Tensor running_mean = running_mean_.value_or(at::Tensor());
        const at::Tensor running_var = running_var_.value_or(at::Tensor());
        RECORD_FUNCTION("repro::batch_norm_leaky_relu", std::vector<c10::IValue>({input}));
        const int64_t channels = input.size(1);
        const int64_t rows = input.numel() / channels;
        TORCH_CHECK(rows > 1, "batch norm: expected more than 1 value per channel when training, got input of size ",
                    input.sizes());
        for (const at::Tensor& parameter : {weight, bias})
            TORCH_CHECK(!parameter.defined() || (parameter.scalar_type() == input.scalar_type() && parameter.numel() == channels),
                        "batch norm: weight and bias must be ", channels, " values of the input's type, got ",
                        parameter.sizes(), " ", parameter.scalar_type());
        const at::Tensor& x = input;  // channels-last (rt_batch_norm_leaky_relu sends nothing else)
        at::Tensor y = at::empty_like(x, at::MemoryFormat::ChannelsLast);
        const auto stats_options = x.options().dtype(at::kDouble);
        at::Tensor mean = at::empty({channels}, stats_options), var = at::empty({channels}, stats_options),
                   invstd = at::empty({channels}, stats_options);
        at::Tensor scale = at::empty({channels}, x.options()), shift = at::empty({channels}, x.options());
        AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "batch_norm_leaky_relu", [&] {
            const at::Tensor w = weight.defined() ? weight.contiguous() : weight;
            const at::Tensor b = bias.defined() ? bias.contiguous() : bias;
            forward_kernel<scalar_t>(x.data_ptr<scalar_t>(), y.data_ptr<scalar_t>(), rows, channels,
                                     w.defined() ? w.data_ptr<scalar_t>() : nullptr,
                                     b.defined() ? b.data_ptr<scalar_t>() : nullptr, eps, slope,
                                     mean.data_ptr<double>(), var.data_ptr<double>(), invstd.data_ptr<double>(),
                                     scale.data_ptr<scalar_t>(), shift.data_ptr<scalar_t>());
            // The running statistics move in place, written directly as libtorch's kernel writes them (no op per
            // layer); the version bump tells anyone caching something made from them (the eval conv) that they moved.
            const double* m = mean.data_ptr<double>();
            const double* v = var.data_ptr<double>();
            const double unbiased = static_cast<double>(rows) / (rows - 1);
            for (at::Tensor running : {running_mean, running_var}) {
                if (!running.defined()) continue;
                TORCH_CHECK(running.scalar_type() == x.scalar_type() && running.is_contiguous() && running.numel() == channels,
                            "batch norm: running statistics must be ", channels, " contiguous values of the input's type");
                scalar_t* r = running.data_ptr<scalar_t>();
                const bool is_mean = running.is_same(running_mean);
                for (int64_t c = 0; c < channels; ++c)
                    r[c] = static_cast<scalar_t>(momentum * (is_mean ? m[c] : v[c] * unbiased) + (1 - momentum) * r[c]);
                torch::autograd::impl::bump_version(running);
            }
        });
        ctx->save_for_backward({x, weight});
        ctx->saved_data["scale"] = scale;
        ctx->saved_data["shift"] = shift;
        ctx->saved_data["mean"] = mean;
        ctx->saved_data["invstd"] = invstd;
        ctx->saved_data["slope"] = slope;
        ctx->saved_data["has_bias"] = bias.defined();
        return y;
    }

    static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
        RECORD_FUNCTION("repro::batch_norm_leaky_relu_backward", std::vector<c10::IValue>({grad_outputs[0]}));
        const auto saved = ctx->get_saved_variables();
        const at::Tensor& x = saved[0];
        const at::Tensor& weight = saved[1];
        const at::Tensor scale = ctx->saved_data["scale"].toTensor();
        const at::Tensor shift = ctx->saved_data["shift"].toTensor();
        const at::Tensor mean = ctx->saved_data["mean"].toTensor();
        const at::Tensor invstd = ctx->saved_data["invstd"].toTensor();
        const double slope = ctx->saved_data["slope"].toDouble();
        const at::Tensor dy = grad_outputs[0].contiguous(at::MemoryFormat::ChannelsLast);
        const int64_t channels = x.size(1);
        const int64_t rows = x.numel() / channels;
        at::Tensor dx = at::empty_like(x, at::MemoryFormat::ChannelsLast);
        at::Tensor dweight = at::empty({channels}, x.options().dtype(at::kDouble));
        at::Tensor dbias = at::empty({channels}, x.options().dtype(at::kDouble));
        AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "batch_norm_leaky_relu_backward", [&] {
            const at::Tensor w = weight.defined() ? weight.contiguous() : weight;
            backward_kernel<scalar_t>(dy.data_ptr<scalar_t>(), x.data_ptr<scalar_t>(), dx.data_ptr<scalar_t>(), rows,
                                      channels, scale.data_ptr<scalar_t>(), shift.data_ptr<scalar_t>(),
                                      mean.data_ptr<double>(), invstd.data_ptr<double>(),
                                      w.defined() ? w.data_ptr<scalar_t>() : nullptr, slope,
                                      dweight.data_ptr<double>(), dbias.data_ptr<double>());
        });
        const bool has_bias = ctx->saved_data["has_bias"].toBool();
        return {dx, weight.defined() ? dweight.to(x.scalar_type()) : at::Tensor(),
                has_bias ? dbias.to(x.scalar_type()) : at::Tensor(), at::Tensor(), at::Tensor(),
                at::Tensor(), at::Tensor(), at::Tensor()};
    }
};

}  // namespace

// Training-mode batch norm and leaky ReLU in one autograd op (see the top of this file). A channels-last CPU tensor
// of floats or doubles runs fused; anything else (NCHW, another device or type) runs libtorch's at::batch_norm +
// at::leaky_relu_, the same computation, so the result keeps the input's layout either way.
EXPORT Tensor rt_batch_norm_leaky_relu(Tensor x, Tensor weight, Tensor bias, Tensor running_mean, Tensor running_var,
                                       double momentum, double eps, double slope) {
    CATCH_TENSOR(([&]() -> at::Tensor {
        if (x->device().is_cpu() && x->dim() == 4 && x->is_contiguous(at::MemoryFormat::ChannelsLast) &&
            (x->scalar_type() == at::kFloat || x->scalar_type() == at::kDouble))
            return BatchNormLeaky::apply(*x, rt_optional(weight), rt_optional(bias), rt_optional(running_mean),
                                         rt_optional(running_var), momentum, eps, slope);
        at::Tensor y = at::batch_norm(*x, rt_optional(weight), rt_optional(bias), rt_optional(running_mean),
                                      rt_optional(running_var), true, momentum, eps, false);
        return at::leaky_relu_(y, slope);
    }()))
}
