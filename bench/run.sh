#!/usr/bin/env bash
# Builds lrlab with the micro-benchmarks (-DLRLAB_BUILD_BENCH=ON, Release, in build/) and runs
# them: Adam beside a STREAM triad, the framework's per-step overhead, the writer, each task's step.
# Extra arguments go to Google Benchmark (e.g. --benchmark_filter=adam).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/build.sh" -DLRLAB_BUILD_BENCH=ON >/dev/null
"${LRLAB_BUILD_DIR:-$root/build}/lrlab_bench" --benchmark_min_time=0.5 "$@"
