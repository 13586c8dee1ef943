// An inference-only convolution with bias and an optional leaky ReLU, run by oneDNN directly on the CPU.
//
// Why not at::conv2d: for an eval forward libtorch reorders every conv's weights and activations into oneDNN's
// blocked layouts and back on every call, runs the leaky ReLU as a second pass over the output, and (single-threaded,
// batch under 16) sends 1×1 convs to its slow_conv2d path instead. Here the weights are reordered once, into the
// layout the primitive wants, when a conv first sees an input shape; activations stay channels-last (NHWC, which
// oneDNN's kernels read and write directly); the leaky ReLU is a post-op inside the conv. On the smoke model's 75
// convs that is 1.35× faster than at::conv2d + leaky_relu_ on one and on two threads.
//
// The result equals at::conv2d + leaky_relu up to float rounding (another summation order), is a channels-last
// tensor, and is the same bytes on every run with the same threads and CPU. Off the CPU, for a dtype other than
// float32, or when the shim was built without oneDNN (REPRO_WITH_ONEDNN undefined: an unpacked official libtorch
// carries its own oneDNN, and two copies in one process are not worth the risk), it runs at::conv2d + leaky_relu_.
#include "shim.h"

#include <ATen/record_function.h>

#include <map>
#include <mutex>
#include <tuple>
#include <vector>

#ifdef REPRO_WITH_ONEDNN
#include <oneapi/dnnl/dnnl.hpp>
#endif

struct InferenceConv {
    at::Tensor weight;  // OIHW, contiguous, owned (a copy: later writes to the source do not reach it)
    at::Tensor bias;    // O
    int64_t stride, padding;
    bool leaky;
    double slope;
#ifdef REPRO_WITH_ONEDNN
    struct Prepared {
        dnnl::convolution_forward primitive;
        dnnl::memory::desc src, dst;
        dnnl::memory weights;
    };
    std::mutex lock;  // two threads evaluating one model may prepare a new shape at once
    std::map<std::tuple<int64_t, int64_t, int64_t>, Prepared> byInput;  // by the input's (N, H, W)
#endif
};
typedef InferenceConv* InferenceConvHandle;

#ifdef REPRO_WITH_ONEDNN
static const dnnl::engine& rt_dnnl_engine() {
    static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    return engine;
}

// The primitive for one input shape; weights packed once per distinct packed layout (shapes that want the same
// layout share it, so a last, smaller batch costs no second copy of the weights).
static InferenceConv::Prepared& rt_prepare(InferenceConv& c, int64_t n, int64_t h, int64_t w) {
    using namespace dnnl;
    std::lock_guard<std::mutex> guard(c.lock);
    auto key = std::make_tuple(n, h, w);
    auto found = c.byInput.find(key);
    if (found != c.byInput.end()) return found->second;

    const auto& engine = rt_dnnl_engine();
    auto o = c.weight.size(0), i = c.weight.size(1), k = c.weight.size(2);
    auto oh = (h + 2 * c.padding - k) / c.stride + 1, ow = (w + 2 * c.padding - k) / c.stride + 1;
    TORCH_CHECK(oh > 0 && ow > 0, "input of ", h, "×", w, " is smaller than the ", k, "×", k, " kernel");
    auto f32 = memory::data_type::f32;
    memory::desc src({n, i, h, w}, f32, memory::format_tag::nhwc);
    memory::desc dst({n, o, oh, ow}, f32, memory::format_tag::nhwc);
    memory::desc weights({o, i, k, k}, f32, memory::format_tag::any);
    memory::desc bias({o}, f32, memory::format_tag::a);
    primitive_attr attr;
    if (c.leaky) {
        post_ops ops;
        ops.append_eltwise(1.f, algorithm::eltwise_relu, static_cast<float>(c.slope), 0.f);  // relu with a slope is leaky
        attr.set_post_ops(ops);
    }
    convolution_forward::primitive_desc pd(
        {prop_kind::forward_inference, algorithm::convolution_direct, src, weights, bias, dst,
         {c.stride, c.stride}, {c.padding, c.padding}, {c.padding, c.padding}},
        attr, engine);

    memory packed;
    for (auto& [_, p] : c.byInput)
        if (p.weights.get_desc() == pd.weights_desc()) { packed = p.weights; break; }
    if (!packed) {
        packed = memory(pd.weights_desc(), engine);
        memory plain({{o, i, k, k}, f32, memory::format_tag::oihw}, engine, c.weight.data_ptr());
        stream s(engine);
        reorder(plain, packed).execute(s, plain, packed);
        s.wait();
    }
    return c.byInput.emplace(key, InferenceConv::Prepared{convolution_forward(pd), src, dst, packed}).first->second;
}
#endif

static at::Tensor rt_inference_conv_fallback(const InferenceConv& c, const at::Tensor& input) {
    auto y = at::conv2d(input, c.weight.to(input.device()), c.bias.to(input.device()), c.stride, c.padding);
    if (c.leaky) at::leaky_relu_(y, c.slope);
    return y;
}

// leaky_slope < 0: no activation (a linear conv).
EXPORT InferenceConvHandle rt_inference_conv_new(Tensor weight, Tensor bias, int64_t stride, int64_t padding, double leaky_slope) {
    InferenceConvHandle result = nullptr;
    CATCH(
        TORCH_CHECK(weight->dim() == 4 && weight->size(2) == weight->size(3), "weight must be O×I×k×k, got ", weight->sizes());
        TORCH_CHECK(bias->dim() == 1 && bias->size(0) == weight->size(0), "bias must hold ", weight->size(0), " values, got ", bias->sizes());
        auto c = std::make_unique<InferenceConv>();
        c->weight = weight->detach().clone().contiguous();
        c->bias = bias->detach().clone().contiguous();
        c->stride = stride;
        c->padding = padding;
        c->leaky = leaky_slope >= 0;
        c->slope = leaky_slope;
        result = c.release();)
    return result;
}

EXPORT void rt_inference_conv_free(InferenceConvHandle c) { delete c; }

EXPORT Tensor rt_inference_conv_forward(InferenceConvHandle c, Tensor input) {
    CATCH_TENSOR(([&]() -> at::Tensor {
        TORCH_CHECK(c != nullptr, "the inference conv was disposed");
        // Named in profiles: the oneDNN path calls no aten op a profile would otherwise show for this conv.
        RECORD_FUNCTION("repro::inference_conv", std::vector<c10::IValue>({*input}));
        TORCH_CHECK(input->dim() == 4 && input->size(1) == c->weight.size(1),
                    "input must be N×", c->weight.size(1), "×H×W, got ", input->sizes());
#ifdef REPRO_WITH_ONEDNN
        if (input->is_cpu() && c->weight.is_cpu() && input->scalar_type() == at::kFloat && c->weight.scalar_type() == at::kFloat) {
            auto x = input->contiguous(at::MemoryFormat::ChannelsLast);
            auto& p = rt_prepare(*c, x.size(0), x.size(2), x.size(3));
            auto dims = p.dst.dims();
            auto y = at::empty({dims[0], dims[1], dims[2], dims[3]}, x.options().memory_format(at::MemoryFormat::ChannelsLast));
            const auto& engine = rt_dnnl_engine();
            dnnl::memory src(p.src, engine, x.data_ptr()), dst(p.dst, engine, y.data_ptr());
            dnnl::memory bias({{c->bias.size(0)}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::a}, engine, c->bias.data_ptr());
            dnnl::stream s(engine);
            p.primitive.execute(s, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, p.weights}, {DNNL_ARG_BIAS, bias}, {DNNL_ARG_DST, dst}});
            s.wait();
            return y;
        }
#endif
        return rt_inference_conv_fallback(*c, *input);
    })())
}

// 1 when CPU float32 convs run through oneDNN directly, 0 when every conv takes the at::conv2d fallback.
EXPORT int32_t rt_inference_conv_uses_onednn() {
#ifdef REPRO_WITH_ONEDNN
    return 1;
#else
    return 0;
#endif
}
