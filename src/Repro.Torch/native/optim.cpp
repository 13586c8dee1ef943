// Optimizer steps over every parameter in one call: one crossing of the boundary per step instead of a handful
// per parameter, and no handle churn for gradients, moments and temporaries.
#include "shim.h"
#include <ATen/ScalarOps.h>

// Adam (torch.optim.Adam, amsgrad off) over n parameters, in place, with the exact sequence of libtorch ops of the
// managed formulation it replaced (so results are bitwise the same):
//   g = grad (+ param * weight_decay);  m = m*beta1 + g*(1-beta1);  v = v*beta2 + g*g*(1-beta2);
//   param += -(lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps).
// A parameter without a gradient is skipped. exp_avg[i] / exp_avg_sq[i] may be null: a parameter's moments are
// created (zeros) the first time it has a gradient, and their new handles are written back for the caller to own,
// also when a later parameter fails, so nothing leaks.
EXPORT void rt_adam_step(const Tensor* params, Tensor* exp_avg, Tensor* exp_avg_sq, int32_t n, double lr, double beta1,
                         double beta2, double eps, double weight_decay, int64_t step) {
    CATCH(
        torch::NoGradGuard no_grad;
        const double bias_correction1 = 1 - std::pow(beta1, static_cast<double>(step));
        const double bias_correction2 = 1 - std::pow(beta2, static_cast<double>(step));
        const double step_size = -lr / bias_correction1;
        const double inverse_root_bc2 = 1 / std::sqrt(bias_correction2);
        // Multipliers as wrapped-number tensors, as PyTorch's Python Adam passes them: libtorch 1.13 runs a Scalar
        // mul_ as an out-of-place mul and a copy back (three ops, a temporary the size of the moment), the Tensor
        // mul_ in place. The scalar is converted to the tensor's dtype the same way on both paths: bitwise the same.
        const at::Tensor beta1_factor = at::native::wrapped_scalar_tensor(beta1);
        const at::Tensor beta2_factor = at::native::wrapped_scalar_tensor(beta2);
        const at::Tensor inverse_root_bc2_factor = at::native::wrapped_scalar_tensor(inverse_root_bc2);
        for (int32_t i = 0; i < n; ++i) {
            at::Tensor& param = *params[i];
            const at::Tensor& grad = param.grad();
            if (!grad.defined()) continue;
            if (exp_avg[i] == nullptr) exp_avg[i] = rt_wrap(at::zeros_like(param, at::MemoryFormat::Preserve));
            if (exp_avg_sq[i] == nullptr) exp_avg_sq[i] = rt_wrap(at::zeros_like(param, at::MemoryFormat::Preserve));
            at::Tensor& m = *exp_avg[i];
            at::Tensor& v = *exp_avg_sq[i];
            const at::Tensor g = weight_decay != 0 ? grad + param * weight_decay : grad;
            m.mul_(beta1_factor).add_(g, 1 - beta1);
            v.mul_(beta2_factor).addcmul_(g, g, 1 - beta2);
            const at::Tensor denominator = v.sqrt().mul_(inverse_root_bc2_factor).add_(eps);
            param.addcdiv_(m, denominator, step_size);
        }
    )
}
