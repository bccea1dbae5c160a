#!/usr/bin/env bash
# The README's set-up commands keep the main job lean (issue 21): the first command
# (scripts/quickstart.sh, through scripts/build.sh) installs what building and running lrlab need
# and nothing that only the tests use; the second (scripts/test.sh) installs the rest and turns the
# tests and the MPI runner on; scripts/deps.sh is quiet when nothing is missing.
# Usage: setup_check.sh SOURCE_DIR
set -euo pipefail
src="$1"
fail() { echo "setup_check: $*" >&2; exit 1; }
lean="$("$src/scripts/deps.sh" --list)"
full="$("$src/scripts/deps.sh" --list --torch)"
for test_only in catch2 chromium clang libclang-rt-14-dev libbenchmark-dev libboost-mpi-dev libopenmpi-dev openmpi-bin \
                 python3-pytest python3-jsonschema python3-dev pybind11-dev libtorch-dev python3-torch; do
  grep -qx "$test_only" <<<"$lean" && fail "the quickstart's packages include $test_only, which only the tests use"
  grep -qx "$test_only" <<<"$full" || fail "scripts/deps.sh --torch does not install $test_only"
done
for needed in build-essential cmake libboost-dev nlohmann-json3-dev libsqlite3-dev libtbb-dev libcli11-dev libeigen3-dev \
              gnuplot-nox; do
  grep -qx "$needed" <<<"$lean" || fail "the quickstart's packages lack $needed"
done
grep -q 'deps.sh" --torch' "$src/scripts/test.sh" || fail "scripts/test.sh does not install the test packages"
grep -q 'LRLAB_BUILD_TESTS=ON' "$src/scripts/test.sh" || fail "scripts/test.sh does not turn the tests on"
grep -q 'deps.sh" --test' "$src/scripts/sanitize.sh" || fail "scripts/sanitize.sh does not install the test packages"
grep -q 'build.sh' "$src/scripts/quickstart.sh" || fail "scripts/quickstart.sh does not build through scripts/build.sh"
# Everything is installed where this test runs: nothing to say, nothing to do.
out="$("$src/scripts/deps.sh" --test 2>&1)" || fail "scripts/deps.sh --test failed: $out"
[[ -z "$out" ]] || fail "scripts/deps.sh printed with nothing missing: $out"
"$src/scripts/deps.sh" --bogus 2>/dev/null && fail "scripts/deps.sh took an unknown option"
echo "setup_check: the quickstart installs $(wc -l <<<"$lean") packages, the tests $(( $(wc -l <<<"$full") - $(wc -l <<<"$lean") )) more"
