// Neural-network functions: convolution, normalisation, activations, pooling, resampling, losses, NMS.
#include "shim.h"

static at::IntArrayRef pair(const int64_t* p) { return at::IntArrayRef(p, 2); }

EXPORT Tensor rt_conv2d(Tensor x, Tensor w, Tensor b, const int64_t* stride, const int64_t* padding,
                        const int64_t* dilation, int64_t groups) {
    CATCH_TENSOR(at::conv2d(*x, *w, rt_optional(b), pair(stride), pair(padding), pair(dilation), groups))
}
EXPORT Tensor rt_linear(Tensor x, Tensor w, Tensor b) { CATCH_TENSOR(at::linear(*x, *w, rt_optional(b))) }

// In training mode the running statistics (when given) are updated in place, as torch.nn.functional.batch_norm.
EXPORT Tensor rt_batch_norm(Tensor x, Tensor weight, Tensor bias, Tensor running_mean, Tensor running_var,
                            int32_t training, double momentum, double eps) {
    CATCH_TENSOR(at::batch_norm(*x, rt_optional(weight), rt_optional(bias), rt_optional(running_mean),
                                rt_optional(running_var), training != 0, momentum, eps, /*cudnn_enabled=*/true))
}

EXPORT Tensor rt_leaky_relu(Tensor x, double slope) { CATCH_TENSOR(at::leaky_relu(*x, slope)) }
EXPORT void rt_leaky_relu_(Tensor x, double slope) { CATCH(at::leaky_relu_(*x, slope);) }
EXPORT Tensor rt_softmax(Tensor x, int64_t dim) { CATCH_TENSOR(at::softmax(*x, dim)) }
EXPORT Tensor rt_log_softmax(Tensor x, int64_t dim) { CATCH_TENSOR(at::log_softmax(*x, dim)) }

EXPORT Tensor rt_max_pool2d(Tensor x, const int64_t* kernel, const int64_t* stride, const int64_t* padding) {
    CATCH_TENSOR(at::max_pool2d(*x, pair(kernel), pair(stride), pair(padding)))
}
EXPORT Tensor rt_adaptive_avg_pool2d(Tensor x, const int64_t* output) {
    CATCH_TENSOR(at::adaptive_avg_pool2d(*x, pair(output)))
}
// Nearest-neighbour resampling to an explicit size (F.interpolate(mode="nearest")).
EXPORT Tensor rt_upsample_nearest2d(Tensor x, const int64_t* size) {
    CATCH_TENSOR(at::upsample_nearest2d(*x, pair(size)))
}
EXPORT Tensor rt_upsample_bilinear2d(Tensor x, const int64_t* size, int32_t align_corners) {
    CATCH_TENSOR(at::upsample_bilinear2d(*x, pair(size), align_corners != 0))
}

// ---- losses (reduction: 0 none, 1 mean, 2 sum, as at::Reduction) -----------------------------------------
EXPORT Tensor rt_bce_with_logits(Tensor x, Tensor y, Tensor weight, Tensor pos_weight, int64_t reduction) {
    CATCH_TENSOR(at::binary_cross_entropy_with_logits(*x, *y, rt_optional(weight), rt_optional(pos_weight), reduction))
}
EXPORT Tensor rt_mse_loss(Tensor x, Tensor y, int64_t reduction) { CATCH_TENSOR(at::mse_loss(*x, *y, reduction)) }
EXPORT Tensor rt_cross_entropy(Tensor x, Tensor target, Tensor weight, int64_t reduction, int64_t ignore_index) {
    CATCH_TENSOR(at::cross_entropy_loss(*x, *target, rt_optional(weight), reduction, ignore_index))
}

// ---- non-maximum suppression ------------------------------------------------------------------------------
// libtorch has no NMS kernel (torchvision does). The IoU matrix is one tensor expression; the greedy sweep over
// it runs on the CPU, O(n^2) in the worst case, which is what torchvision's CPU kernel does as well.
// boxes: [N, 4] as x1, y1, x2, y2; returns the kept indices (int64), in decreasing score order.
EXPORT Tensor rt_nms(Tensor boxes, Tensor scores, double iou_threshold) {
    CATCH_TENSOR(([&] {
        TORCH_CHECK(boxes->dim() == 2 && boxes->size(1) == 4, "nms: boxes must be [N, 4], got ", boxes->sizes());
        TORCH_CHECK(scores->dim() == 1 && scores->size(0) == boxes->size(0),
                    "nms: scores must be [N] with N = ", boxes->size(0), ", got ", scores->sizes());
        auto device = boxes->device();
        auto b = boxes->detach().to(at::kCPU, at::kFloat);
        auto order = std::get<1>(at::sort(scores->detach().to(at::kCPU, at::kFloat), /*stable=*/true, 0, true));
        b = b.index_select(0, order);
        auto x1 = b.select(1, 0), y1 = b.select(1, 1), x2 = b.select(1, 2), y2 = b.select(1, 3);
        auto area = (x2 - x1).clamp_min(0) * (y2 - y1).clamp_min(0);
        auto iw = (at::minimum(x2.unsqueeze(1), x2.unsqueeze(0)) - at::maximum(x1.unsqueeze(1), x1.unsqueeze(0))).clamp_min(0);
        auto ih = (at::minimum(y2.unsqueeze(1), y2.unsqueeze(0)) - at::maximum(y1.unsqueeze(1), y1.unsqueeze(0))).clamp_min(0);
        auto inter = iw * ih;
        auto iou = (inter / (area.unsqueeze(1) + area.unsqueeze(0) - inter).clamp_min(1e-12)).contiguous();
        int64_t n = b.size(0);
        auto acc = iou.accessor<float, 2>();
        std::vector<char> removed(n, 0);
        std::vector<int64_t> keep;
        auto ord = order.accessor<int64_t, 1>();
        for (int64_t i = 0; i < n; ++i) {
            if (removed[i]) continue;
            keep.push_back(ord[i]);
            for (int64_t j = i + 1; j < n; ++j)
                if (!removed[j] && acc[i][j] > iou_threshold) removed[j] = 1;
        }
        return at::tensor(keep, at::kLong).to(device);
    })())
}
