#!/usr/bin/env bash
# Installs the Debian 12 packages lrlab needs, only those that are missing.
# Idempotent: with everything present it does nothing and asks for no privileges.
#   scripts/deps.sh           what lrlab needs (scripts/quickstart.sh, scripts/sanitize.sh)
#   scripts/deps.sh --torch   and LibTorch for the torch plugin, with PyTorch for its parity test
#                             (scripts/test.sh): about 1 GB more, which the quickstart does not need
set -euo pipefail
packages=(
  build-essential cmake pkg-config
  libboost-dev libboost-filesystem-dev libboost-iostreams-dev
  nlohmann-json3-dev libsqlite3-dev sqlite3 libtbb-dev catch2
  libcli11-dev libfmt-dev libeigen3-dev libmuparser-dev
  clang libclang-rt-14-dev
  gnuplot-nox chromium python3-jsonschema libbenchmark-dev
  libboost-mpi-dev libopenmpi-dev openmpi-bin
  python3-dev pybind11-dev python3-numpy python3-pytest
)
if [[ "${1:-}" == "--torch" ]]; then
  # The torch plugin (the torchscript task) and its PyTorch parity test. OpenBLAS's threaded build
  # is the BLAS LibTorch then calls (the plugin sets it to one thread per call): several times
  # faster than the reference BLAS, and, unlike the serial build, safe for trials on two threads.
  packages+=(libtorch-dev python3-torch libopenblas0-pthread)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "lrlab: installing missing Debian packages: ${missing[*]}" >&2
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
