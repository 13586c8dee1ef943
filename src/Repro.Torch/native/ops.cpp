// Element-wise arithmetic, comparisons, reductions, shape and indexing. One line per op, PyTorch's names.
#include "shim.h"

#define UNARY(name, expr) EXPORT Tensor rt_##name(Tensor a) { CATCH_TENSOR(expr) }
#define BINARY(name, expr) EXPORT Tensor rt_##name(Tensor a, Tensor b) { CATCH_TENSOR(expr) }
#define SCALAR(name, expr) EXPORT Tensor rt_##name(Tensor a, double s) { CATCH_TENSOR(expr) }
#define INPLACE(name, expr) EXPORT void rt_##name(Tensor a) { CATCH(expr;) }
#define INPLACE_BINARY(name, expr) EXPORT void rt_##name(Tensor a, Tensor b) { CATCH(expr;) }
#define INPLACE_SCALAR(name, expr) EXPORT void rt_##name(Tensor a, double s) { CATCH(expr;) }

// ---- arithmetic -------------------------------------------------------------------------------------------
BINARY(add, at::add(*a, *b))
BINARY(sub, at::sub(*a, *b))
BINARY(mul, at::mul(*a, *b))
BINARY(div, at::div(*a, *b))
BINARY(pow, at::pow(*a, *b))
BINARY(matmul, at::matmul(*a, *b))
BINARY(maximum, at::maximum(*a, *b))
BINARY(minimum, at::minimum(*a, *b))
SCALAR(add_scalar, at::add(*a, s))
SCALAR(sub_scalar, at::sub(*a, s))
SCALAR(rsub_scalar, at::rsub(*a, s))
SCALAR(mul_scalar, at::mul(*a, s))
SCALAR(div_scalar, at::div(*a, s))
SCALAR(rdiv_scalar, at::reciprocal(*a).mul_(s))
SCALAR(pow_scalar, at::pow(*a, s))
UNARY(neg, at::neg(*a))
UNARY(abs, at::abs(*a))
UNARY(exp, at::exp(*a))
UNARY(log, at::log(*a))
UNARY(sqrt, at::sqrt(*a))
UNARY(square, at::square(*a))
UNARY(sigmoid, at::sigmoid(*a))
UNARY(tanh, at::tanh(*a))
UNARY(relu, at::relu(*a))
UNARY(floor, at::floor(*a))
UNARY(ceil, at::ceil(*a))
UNARY(round, at::round(*a))
UNARY(sign, at::sign(*a))
UNARY(isfinite, at::isfinite(*a))
UNARY(logical_not, at::logical_not(*a))
EXPORT Tensor rt_clamp(Tensor a, double lo, double hi, int32_t has_lo, int32_t has_hi) {
    CATCH_TENSOR(at::clamp(*a, has_lo ? c10::optional<at::Scalar>(lo) : c10::nullopt,
                               has_hi ? c10::optional<at::Scalar>(hi) : c10::nullopt))
}
EXPORT Tensor rt_where(Tensor cond, Tensor a, Tensor b) { CATCH_TENSOR(at::where(*cond, *a, *b)) }

// ---- in place (optimizers, initialisation) ----------------------------------------------------------------
INPLACE(zero_, a->zero_())
INPLACE_SCALAR(fill_, a->fill_(s))
INPLACE_SCALAR(mul_scalar_, a->mul_(s))
INPLACE_SCALAR(add_scalar_, a->add_(s))
INPLACE_BINARY(copy_, a->copy_(*b))
INPLACE_BINARY(mul_, a->mul_(*b))
EXPORT void rt_add_(Tensor a, Tensor b, double alpha) { CATCH(a->add_(*b, alpha);) }
EXPORT void rt_addcmul_(Tensor a, Tensor b, Tensor c, double value) { CATCH(a->addcmul_(*b, *c, value);) }
EXPORT void rt_addcdiv_(Tensor a, Tensor b, Tensor c, double value) { CATCH(a->addcdiv_(*b, *c, value);) }
EXPORT void rt_uniform_(Tensor a, double lo, double hi, Generator g) {
    CATCH(a->uniform_(lo, hi, g == nullptr ? c10::optional<at::Generator>() : c10::optional<at::Generator>(*g));)
}

// ---- comparisons and logic --------------------------------------------------------------------------------
BINARY(eq, at::eq(*a, *b))
BINARY(ne, at::ne(*a, *b))
BINARY(lt, at::lt(*a, *b))
BINARY(le, at::le(*a, *b))
BINARY(gt, at::gt(*a, *b))
BINARY(ge, at::ge(*a, *b))
SCALAR(eq_scalar, at::eq(*a, s))
SCALAR(ne_scalar, at::ne(*a, s))
SCALAR(lt_scalar, at::lt(*a, s))
SCALAR(le_scalar, at::le(*a, s))
SCALAR(gt_scalar, at::gt(*a, s))
SCALAR(ge_scalar, at::ge(*a, s))
BINARY(logical_and, at::logical_and(*a, *b))
BINARY(logical_or, at::logical_or(*a, *b))
EXPORT int32_t rt_equal(Tensor a, Tensor b) { CATCH_RETURN(int32_t, 0, at::equal(*a, *b) ? 1 : 0) }
EXPORT int32_t rt_allclose(Tensor a, Tensor b, double rtol, double atol) {
    CATCH_RETURN(int32_t, 0, at::allclose(*a, *b, rtol, atol) ? 1 : 0)
}

// ---- reductions -------------------------------------------------------------------------------------------
UNARY(sum, at::sum(*a))
UNARY(mean, at::mean(*a))
UNARY(max, at::max(*a))
UNARY(min, at::min(*a))
EXPORT Tensor rt_sum_dims(Tensor a, const int64_t* dims, int32_t n, int32_t keepdim) {
    CATCH_TENSOR(at::sum(*a, at::IntArrayRef(dims, n), keepdim != 0))
}
EXPORT Tensor rt_mean_dims(Tensor a, const int64_t* dims, int32_t n, int32_t keepdim) {
    CATCH_TENSOR(at::mean(*a, at::IntArrayRef(dims, n), keepdim != 0))
}
EXPORT Tensor rt_var_dims(Tensor a, const int64_t* dims, int32_t n, int32_t unbiased, int32_t keepdim) {
    CATCH_TENSOR(at::var(*a, at::IntArrayRef(dims, n), unbiased != 0, keepdim != 0))
}
EXPORT Tensor rt_amax(Tensor a, const int64_t* dims, int32_t n, int32_t keepdim) {
    CATCH_TENSOR(at::amax(*a, at::IntArrayRef(dims, n), keepdim != 0))
}
EXPORT Tensor rt_amin(Tensor a, const int64_t* dims, int32_t n, int32_t keepdim) {
    CATCH_TENSOR(at::amin(*a, at::IntArrayRef(dims, n), keepdim != 0))
}
EXPORT Tensor rt_argmax(Tensor a, int64_t dim, int32_t keepdim) { CATCH_TENSOR(at::argmax(*a, dim, keepdim != 0)) }
EXPORT void rt_max_dim(Tensor a, int64_t dim, int32_t keepdim, Tensor* values, Tensor* indices) {
    CATCH(auto r = at::max(*a, dim, keepdim != 0);
          *values = rt_wrap(std::get<0>(r)); *indices = rt_wrap(std::get<1>(r));)
}
EXPORT void rt_sort(Tensor a, int64_t dim, int32_t descending, int32_t stable, Tensor* values, Tensor* indices) {
    CATCH(auto r = at::sort(*a, c10::optional<bool>(stable != 0), dim, descending != 0);
          *values = rt_wrap(std::get<0>(r)); *indices = rt_wrap(std::get<1>(r));)
}
EXPORT void rt_topk(Tensor a, int64_t k, int64_t dim, int32_t largest, Tensor* values, Tensor* indices) {
    CATCH(auto r = at::topk(*a, k, dim, largest != 0, true);
          *values = rt_wrap(std::get<0>(r)); *indices = rt_wrap(std::get<1>(r));)
}
EXPORT Tensor rt_cumsum(Tensor a, int64_t dim) { CATCH_TENSOR(at::cumsum(*a, dim)) }

// ---- shape ------------------------------------------------------------------------------------------------
EXPORT Tensor rt_reshape(Tensor a, const int64_t* shape, int32_t n) { CATCH_TENSOR(a->reshape(at::IntArrayRef(shape, n))) }
EXPORT Tensor rt_view(Tensor a, const int64_t* shape, int32_t n) { CATCH_TENSOR(a->view(at::IntArrayRef(shape, n))) }
EXPORT Tensor rt_expand(Tensor a, const int64_t* shape, int32_t n) { CATCH_TENSOR(a->expand(at::IntArrayRef(shape, n))) }
EXPORT Tensor rt_repeat(Tensor a, const int64_t* reps, int32_t n) { CATCH_TENSOR(a->repeat(at::IntArrayRef(reps, n))) }
EXPORT Tensor rt_permute(Tensor a, const int64_t* dims, int32_t n) { CATCH_TENSOR(a->permute(at::IntArrayRef(dims, n))) }
EXPORT Tensor rt_transpose(Tensor a, int64_t d0, int64_t d1) { CATCH_TENSOR(a->transpose(d0, d1)) }
EXPORT Tensor rt_flatten(Tensor a, int64_t start, int64_t end) { CATCH_TENSOR(a->flatten(start, end)) }
EXPORT Tensor rt_squeeze(Tensor a, int64_t dim) { CATCH_TENSOR(a->squeeze(dim)) }
EXPORT Tensor rt_unsqueeze(Tensor a, int64_t dim) { CATCH_TENSOR(a->unsqueeze(dim)) }
EXPORT Tensor rt_slice(Tensor a, int64_t dim, int64_t start, int64_t end, int64_t step) {
    CATCH_TENSOR(a->slice(dim, start, end, step))
}
EXPORT Tensor rt_select(Tensor a, int64_t dim, int64_t index) { CATCH_TENSOR(a->select(dim, index)) }
EXPORT Tensor rt_cat(const Tensor* ts, int32_t n, int64_t dim) { CATCH_TENSOR(at::cat(rt_list(ts, n), dim)) }
EXPORT Tensor rt_stack(const Tensor* ts, int32_t n, int64_t dim) { CATCH_TENSOR(at::stack(rt_list(ts, n), dim)) }

// ---- indexing ---------------------------------------------------------------------------------------------
EXPORT Tensor rt_index_select(Tensor a, int64_t dim, Tensor index) { CATCH_TENSOR(at::index_select(*a, dim, *index)) }
EXPORT Tensor rt_gather(Tensor a, int64_t dim, Tensor index) { CATCH_TENSOR(at::gather(*a, dim, *index)) }
EXPORT Tensor rt_masked_select(Tensor a, Tensor mask) { CATCH_TENSOR(at::masked_select(*a, *mask)) }
EXPORT Tensor rt_masked_fill(Tensor a, Tensor mask, double value) { CATCH_TENSOR(at::masked_fill(*a, *mask, value)) }
EXPORT Tensor rt_nonzero(Tensor a) { CATCH_TENSOR(at::nonzero(*a)) }
// a[i0, i1, ...] with one int64 or bool tensor per leading dimension (PyTorch advanced indexing).
EXPORT Tensor rt_index(Tensor a, const Tensor* indices, int32_t n) {
    CATCH_TENSOR(([&] {
        c10::List<c10::optional<at::Tensor>> list;
        for (int32_t i = 0; i < n; ++i) list.push_back(*indices[i]);
        return at::index(*a, list);
    })())
}
// a[i0, i1, ...] = values (accumulate adds instead of overwriting).
EXPORT void rt_index_put_(Tensor a, const Tensor* indices, int32_t n, Tensor values, int32_t accumulate) {
    CATCH(c10::List<c10::optional<at::Tensor>> list;
          for (int32_t i = 0; i < n; ++i) list.push_back(*indices[i]);
          a->index_put_(list, *values, accumulate != 0);)
}

// ---- autograd ---------------------------------------------------------------------------------------------
EXPORT void rt_set_requires_grad(Tensor a, int32_t on) { CATCH(a->requires_grad_(on != 0);) }
EXPORT int32_t rt_requires_grad(Tensor a) { CATCH_RETURN(int32_t, 0, a->requires_grad() ? 1 : 0) }
EXPORT void rt_backward(Tensor a, Tensor grad) {
    CATCH(a->backward(grad == nullptr ? at::Tensor() : *grad);)
}
// The accumulated gradient, or null (and no error) when there is none.
EXPORT Tensor rt_grad(Tensor a) {
    CATCH_TENSOR(a->grad())
}
EXPORT void rt_clear_grad(Tensor a) { CATCH(a->mutable_grad() = at::Tensor();) }
EXPORT Tensor rt_detach(Tensor a) { CATCH_TENSOR(a->detach()) }
EXPORT int32_t rt_set_grad_enabled(int32_t on) {
    CATCH_RETURN(int32_t, 0, ([&] { bool prev = at::GradMode::is_enabled(); at::GradMode::set_enabled(on != 0); return prev ? 1 : 0; })())
}
EXPORT int32_t rt_is_grad_enabled() { return at::GradMode::is_enabled() ? 1 : 0; }
