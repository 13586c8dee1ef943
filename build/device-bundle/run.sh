#!/usr/bin/env bash
# The device bundle's one script (written by ./build.sh --target DeviceBundle): on a machine with PyTorch (or an
# unpacked libtorch) and no .NET, it builds the shim against that libtorch, then runs the self-contained repro CLI:
#   1. selftest --device D        the engine's checks against the CPU in float64
#   2. bench --device D           the model and training suites at the paper's size (width 1, 416 px, batch 8)
#   3. study run --profile ci     the whole ci study on D (needs OpenCV's C++ headers for the shim: skipped without)
# Every step prints its result as it finishes, so a run cut short still tells something.
#
#   bash run.sh [--device cuda|cuda:N|cpu] [--bench-size paper|small] [--no-study]
# LIBTORCH_DIR names a libtorch when python3 cannot import torch. Exit status: 2 when the shim does not compile,
# 1 when a step failed, 0 when every step that ran passed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
device=cuda bench_size=paper study=1
while [ $# -gt 0 ]; do
  case "$1" in
    --device) device=$2; shift 2 ;;
    --bench-size) bench_size=$2; shift 2 ;;
    --no-study) study=0; shift ;;
    *) echo "unknown argument $1 (see the head of $0)" >&2; exit 64 ;;
  esac
done
start=$(date +%s)
# The CLI travels as one archive (the working tree travels beside it, within 64 MiB).
if [ ! -x "$here/app/Repro.Cli" ]; then tar -xzf "$here/app.tar.gz" -C "$here" || { echo "cannot unpack $here/app.tar.gz" >&2; exit 1; }; fi
step() { echo; echo "== [+$(( $(date +%s) - start )) s] $*"; }
results=()
record() { results+=("$(printf '%-10s %-6s %s' "$1" "$2" "$3")"); echo "-- $1: $2 $3"; }

step "machine"
uname -srm
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
nproc; free -g | head -2

step "libtorch"
prefix=""
if python3 -c 'import torch' 2>/dev/null; then
  prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
  python3 -c 'import torch; print("PyTorch", torch.__version__, "CUDA", torch.version.cuda, "cuDNN", torch.backends.cudnn.version())'
elif [ -n "${LIBTORCH_DIR:-}" ]; then
  prefix=$LIBTORCH_DIR
fi
echo "CMAKE_PREFIX_PATH=${prefix:-(none: the system libtorch)}"

step "build the shim"
opencv=OFF
if [ -f /usr/include/opencv4/opencv2/imgcodecs.hpp ]; then opencv=ON; fi
generator=(); command -v ninja >/dev/null && generator=(-G Ninja)
build=$here/shim-build
rm -rf "$build"
t0=$(date +%s)
if ! cmake -S "$here/native" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release ${prefix:+-DCMAKE_PREFIX_PATH="$prefix"} \
      -DREPRO_WITH_ONEDNN=OFF -DREPRO_WITH_OPENMP=OFF -DREPRO_WITH_OPENCV=$opencv > "$here/shim-configure.log" 2>&1; then
  tail -40 "$here/shim-configure.log"
  echo "SHIM CONFIGURE FAILED (log: $here/shim-configure.log)"; exit 2
fi
# The shim, and repro_torch_bench: the same convolutions through libtorch's C++ API directly, bench's yardstick.
if ! cmake --build "$build" --target repro_torch repro_torch_bench --parallel "$(nproc)" > "$here/shim-build.log" 2>&1; then
  grep -E "error|Error" "$here/shim-build.log" | head -40
  echo "SHIM COMPILE FAILED (log: $here/shim-build.log)"; exit 2
fi
cp "$build/librepro_torch.so" "$build/repro_torch_bench" "$here/app/"
record shim ok "built in $(( $(date +%s) - t0 )) s against ${prefix:-the system libtorch}; OpenCV $opencv"

repro() { "$here/app/Repro.Cli" "$@"; }
failed=0

step "selftest --device $device"
if repro selftest --device "$device"; then record selftest ok ""; else record selftest FAILED ""; failed=1; fi

step "bench --device $device (model and training suites)"
if [ "$bench_size" = paper ]; then sizes=(--widths 1 --sizes 416 --batch 8); else sizes=(--widths 0.25 --sizes 128 --batch 8); fi
if repro bench --device "$device" --suite model --suite training "${sizes[@]}" --results "$here/bench.csv"; then
  record bench ok "$here/bench.csv"; else record bench FAILED ""; failed=1; fi

if [ "$study" = 1 ]; then
  step "the ci study on $device"
  if [ "$opencv" = OFF ]; then
    record study skipped "no OpenCV C++ headers here: the shim cannot decode the study's images"
  else
    t0=$(date +%s)
    if REPRO_ARTIFACTS="$here/artifacts" repro study run --profile ci --repo "$here/repo" --set "device=$device"; then
      record study ok "$(( $(date +%s) - t0 )) s"; else record study FAILED ""; failed=1; fi
  fi
fi

step "summary ($(( $(date +%s) - start )) s in all)"
printf '%s\n' "${results[@]}"
exit $failed
