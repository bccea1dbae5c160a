#!/usr/bin/env bash
# Configures (once) and builds lrlab in build/ (Release). Idempotent: a second run only rebuilds
# what changed. Extra arguments go to the CMake configure step.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/deps.sh"
build="${LRLAB_BUILD_DIR:-$root/build}"
# LRLAB_WERROR=ON (CI sets it): compiler warnings are errors.
werror=()
[[ -n "${LRLAB_WERROR:-}" ]] && werror=(-DLRLAB_WERROR="$LRLAB_WERROR")
if [[ ! -f "$build/CMakeCache.txt" || $# -gt 0 || ${#werror[@]} -gt 0 ]]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release "${werror[@]}" "$@" >/dev/null
fi
cmake --build "$build" -j"$(nproc)"
