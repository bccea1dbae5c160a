#!/usr/bin/env bash
# The README's second command: install what is missing, build, run the whole test suite.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The test-only packages (Catch2, Chromium, clang, Open MPI, ...) and LibTorch with PyTorch, since
# the tests cover the torch plugin too: the quickstart installs none of them (scripts/deps.sh).
"$root/scripts/deps.sh" --torch
# On explicitly: a build folder the quickstart configured before Catch2 and Open MPI were installed
# has them off in its cache.
"$root/scripts/build.sh" -DLRLAB_BUILD_TESTS=ON -DLRLAB_MPI=ON
cd "${LRLAB_BUILD_DIR:-$root/build}"
ctest --output-on-failure -j"$(nproc)" "$@"
