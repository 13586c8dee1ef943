// Image codec and resizing through OpenCV (a libtorch companion on Debian). Images cross the boundary as
// uint8 tensors in H x W x 3 RGB order; OpenCV's BGR stays inside this file.
#include "shim.h"

#ifndef REPRO_WITH_OPENCV
// Built without OpenCV (REPRO_WITH_OPENCV=OFF): the entry points exist, so the binding loads, and each one fails
// with this message.
static at::Tensor no_opencv() {
    TORCH_CHECK(false, "this shim was built without OpenCV (REPRO_WITH_OPENCV=OFF): it cannot decode, encode or resize images");
    return at::Tensor();
}
#define NO_OPENCV CATCH_TENSOR(no_opencv())
EXPORT Tensor rt_image_decode(const uint8_t*, int64_t) { NO_OPENCV }
EXPORT Tensor rt_image_encode(Tensor, const char*, int32_t) { NO_OPENCV }
EXPORT Tensor rt_image_resize(Tensor, int64_t, int64_t, int32_t) { NO_OPENCV }
#else
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

static at::Tensor mat_to_rgb_tensor(const cv::Mat& bgr) {
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    return at::from_blob(rgb.data, {rgb.rows, rgb.cols, 3}, at::kByte).clone();
}

static cv::Mat rgb_tensor_to_mat(const at::Tensor& t) {
    TORCH_CHECK(t.dim() == 3 && t.size(2) == 3 && t.scalar_type() == at::kByte,
                "expected an H x W x 3 uint8 RGB image tensor, got ", t.sizes(), " ", t.scalar_type());
    auto c = t.to(at::kCPU).contiguous();
    cv::Mat rgb(static_cast<int>(c.size(0)), static_cast<int>(c.size(1)), CV_8UC3, c.data_ptr());
    cv::Mat bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    return bgr;
}

// Decodes JPEG/PNG bytes; a corrupt or truncated buffer is an error, never an empty image.
EXPORT Tensor rt_image_decode(const uint8_t* data, int64_t length) {
    CATCH_TENSOR(([&] {
        cv::Mat buf(1, static_cast<int>(length), CV_8UC1, const_cast<uint8_t*>(data));
        cv::Mat bgr = cv::imdecode(buf, cv::IMREAD_COLOR);
        TORCH_CHECK(!bgr.empty(), "not a decodable image (", length, " bytes)");
        return mat_to_rgb_tensor(bgr);
    })())
}

// Encodes to the format named by ext (".jpg" or ".png"); returns a uint8 tensor of the file's bytes.
EXPORT Tensor rt_image_encode(Tensor image, const char* ext, int32_t jpeg_quality) {
    CATCH_TENSOR(([&] {
        std::vector<uchar> out;
        std::vector<int> params{cv::IMWRITE_JPEG_QUALITY, jpeg_quality};
        TORCH_CHECK(cv::imencode(ext, rgb_tensor_to_mat(*image), out, params), "cannot encode image as ", ext);
        return at::from_blob(out.data(), {static_cast<int64_t>(out.size())}, at::kByte).clone();
    })())
}

// interpolation: 0 nearest, 1 bilinear, 3 area (cv::InterpolationFlags).
EXPORT Tensor rt_image_resize(Tensor image, int64_t height, int64_t width, int32_t interpolation) {
    CATCH_TENSOR(([&] {
        TORCH_CHECK(image->dim() == 3 && image->size(2) == 3 && image->scalar_type() == at::kByte,
                    "expected an H x W x 3 uint8 image tensor, got ", image->sizes(), " ", image->scalar_type());
        auto c = image->to(at::kCPU).contiguous();
        cv::Mat src(static_cast<int>(c.size(0)), static_cast<int>(c.size(1)), CV_8UC3, c.data_ptr());
        cv::Mat resized;  // channel order does not matter to a resize: no colour conversion here
        cv::resize(src, resized, cv::Size(static_cast<int>(width), static_cast<int>(height)), 0, 0, interpolation);
        return at::from_blob(resized.data, {resized.rows, resized.cols, 3}, at::kByte).clone();
    })())
}
#endif  // REPRO_WITH_OPENCV
