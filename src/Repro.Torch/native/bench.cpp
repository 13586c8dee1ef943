// The yardstick for the .NET binding: the same work through libtorch's C++ API with no binding in between.
//
//   repro_torch_bench conv THREADS REPEATS N C H W K KSIZE STRIDE   -> seconds per conv forward+backward
//   repro_torch_bench tiny THREADS REPEATS                          -> seconds per add of two 1-element tensors
//
// Prints one number (seconds per iteration, best of REPEATS timed rounds) so the caller can take ratios.
#include "allocator.h"
#include <torch/torch.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>

static double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int main(int argc, char** argv) {
    if (argc < 4) { std::fprintf(stderr, "usage: see the comment at the top of bench.cpp\n"); return 2; }
    rt_keep_freed_memory();
    std::string mode = argv[1];
    at::set_num_threads(std::atoi(argv[2]));
    int repeats = std::atoi(argv[3]);
    double best = 1e30;
    if (mode == "conv" && argc == 11) {
        int64_t n = std::atoll(argv[4]), c = std::atoll(argv[5]), h = std::atoll(argv[6]), w = std::atoll(argv[7]);
        int64_t k = std::atoll(argv[8]), ks = std::atoll(argv[9]), stride = std::atoll(argv[10]);
        torch::manual_seed(0);
        auto x = torch::randn({n, c, h, w}).requires_grad_(true);
        auto weight = torch::randn({k, c, ks, ks}).mul_(0.01).requires_grad_(true);
        auto step = [&] {
            auto y = at::conv2d(x, weight, {}, {stride, stride}, {ks / 2, ks / 2});
            y.sum().backward();
            x.mutable_grad() = at::Tensor();
            weight.mutable_grad() = at::Tensor();
        };
        step();  // warm-up
        for (int r = 0; r < repeats; ++r) {
            auto t0 = std::chrono::steady_clock::now();
            step();
            best = std::min(best, seconds_since(t0));
        }
    } else if (mode == "tiny") {
        auto a = torch::ones({1}), b = torch::ones({1});
        const int inner = 100000;
        for (int r = 0; r < repeats; ++r) {
            auto t0 = std::chrono::steady_clock::now();
            for (int i = 0; i < inner; ++i) { auto c = at::add(a, b); }
            best = std::min(best, seconds_since(t0) / inner);
        }
    } else {
        std::fprintf(stderr, "unknown mode or wrong argument count\n");
        return 2;
    }
    std::printf("%.9g\n", best);
    return 0;
}
