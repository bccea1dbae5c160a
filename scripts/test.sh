#!/usr/bin/env bash
# The README's second command: install what is missing, build, run the whole test suite.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The tests cover the torch plugin too: LibTorch and PyTorch first (the quickstart does without).
"$root/scripts/deps.sh" --torch
"$root/scripts/build.sh"
cd "${LRLAB_BUILD_DIR:-$root/build}"
ctest --output-on-failure -j"$(nproc)" "$@"
