#!/usr/bin/env bash
# Configures and builds lrlab in build/ (Release). Idempotent: a second run only rebuilds what
# changed. Extra arguments go to the CMake configure step. The configure step runs every time (a
# few seconds): a library installed since the last build, LibTorch by scripts/test.sh after a
# quickstart, is then found.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/deps.sh"
build="${LRLAB_BUILD_DIR:-$root/build}"
# LRLAB_WERROR=ON (CI sets it): compiler warnings are errors.
werror=()
[[ -n "${LRLAB_WERROR:-}" ]] && werror=(-DLRLAB_WERROR="$LRLAB_WERROR")
release=()
[[ -f "$build/CMakeCache.txt" ]] || release=(-DCMAKE_BUILD_TYPE=Release)
cmake -S "$root" -B "$build" "${release[@]}" "${werror[@]}" "$@" >/dev/null
cmake --build "$build" -j"$(nproc)"
