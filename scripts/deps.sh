#!/usr/bin/env bash
# Installs the Debian 12 packages lrlab needs, only those that are missing.
# Idempotent: with everything present it does nothing and asks for no privileges.
#   scripts/deps.sh           what building and running lrlab need (scripts/quickstart.sh)
#   scripts/deps.sh --test    and what its tests need: Catch2, clang and its sanitizer runtimes,
#                             headless Chromium (the report's rendered-page checks), Google
#                             Benchmark, Open MPI (the MPI runner and its tests), pytest, JSON
#                             Schema, and python3-dev with pybind11 (the Python package, which the
#                             tests cover and the main job does not use) (scripts/sanitize.sh)
#   scripts/deps.sh --torch   all of --test, and LibTorch for the torch plugin with PyTorch for its
#                             parity tests (scripts/test.sh): about 1 GB more
#   scripts/deps.sh --list [--test | --torch]
#                             print the packages of that set, one per line; install nothing
# apt's output goes to a log file (its path is printed); the terminal gets one line per step, and
# the log's end when a step fails.
set -euo pipefail
list=false
if [[ "${1:-}" == "--list" ]]; then
  list=true
  shift
fi
packages=(
  build-essential cmake pkg-config
  libboost-dev libboost-filesystem-dev libboost-iostreams-dev
  nlohmann-json3-dev libsqlite3-dev sqlite3 libtbb-dev
  libcli11-dev libfmt-dev libeigen3-dev libmuparser-dev
  gnuplot-nox
)
case "${1:-}" in
  "") ;;
  --test | --torch)
    packages+=(
      catch2 clang libclang-rt-14-dev chromium python3-jsonschema libbenchmark-dev
      libboost-mpi-dev libopenmpi-dev openmpi-bin python3-pytest
      python3-dev pybind11-dev python3-numpy
    )
    # OpenBLAS's threaded build is the BLAS LibTorch then calls (the plugin sets it to one thread
    # per call): several times faster than the reference BLAS, and, unlike the serial build, safe
    # for trials on two threads.
    [[ "$1" == "--torch" ]] && packages+=(libtorch-dev python3-torch libopenblas0-pthread)
    ;;
  *)
    echo "usage: scripts/deps.sh [--list] [--test | --torch]" >&2
    exit 2
    ;;
esac
if $list; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
((${#missing[@]})) || exit 0
log="${TMPDIR:-/tmp}/lrlab-deps.log"
sudo_cmd=()
[[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
step() {
  local what="$1"
  shift
  echo "lrlab: $what (log: $log)" >&2
  if ! "$@" >>"$log" 2>&1; then
    echo "lrlab: failed: $what; the end of $log:" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
}
: >"$log"
step "updating the package lists" "${sudo_cmd[@]}" apt-get update -q
step "installing ${#missing[@]} Debian packages: ${missing[*]}" \
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
