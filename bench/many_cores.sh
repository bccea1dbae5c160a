#!/usr/bin/env bash
# Everything bench/ measures, in one run, for a machine with more cores than the 2-core
# development ones: the micro-benchmarks, the sweep at --jobs 1 and 2 (and 10x the steps), the
# sweep's scaling over 1, 2, 4, 8, 16 threads (192 trials), and lrlab against PyTorch when a
# python3 there imports torch. Results are printed; bench/RESULTS.md records them.
#
# Usage: bench/many_cores.sh [BIN_DIR]   (BIN_DIR holds lrlab and lrlab_bench; default build/)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$root/build}"
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "== sweep (bench/sweep.sh)"
"$root/bench/sweep.sh" --lrlab "$bin/lrlab" --jobs "1 2" 2>/dev/null
echo "== scaling (bench/sweep.sh --wide)"
"$root/bench/sweep.sh" --lrlab "$bin/lrlab" --wide --jobs "1 2 4 8 16" 2>/dev/null
echo "== micro-benchmarks (lrlab_bench)"
"$bin/lrlab_bench" --benchmark_min_time=0.3 2>&1 | grep -v '^\*\*\*'
echo "== against PyTorch (bench/compare.sh)"
PYTHON="${PYTHON:-python3}" "$root/bench/compare.sh" "$bin/lrlab" 2>&1 | grep -v '^lrlab:'
