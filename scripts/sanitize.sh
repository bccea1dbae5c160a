#!/usr/bin/env bash
# The sanitizer and fuzz checks (CI runs them after scripts/test.sh; developers too):
#   asan  build-asan/ (clang, AddressSanitizer + UndefinedBehaviorSanitizer, every finding fatal):
#         the whole test suite, except the SDK install test (see below)
#   tsan  build-tsan/ (clang, ThreadSanitizer): the tests that run sweeps on several threads
#   fuzz  build-asan/tests/fuzz/spec_fuzzer: a bounded libFuzzer run over the spec parser and
#         validator, from tests/fuzz/corpus (LRLAB_FUZZ_SECONDS, default 60); then route_fuzzer
#         over lrlab serve's request parsing and routes, from tests/fuzz/routes_corpus (half as long)
# Usage: scripts/sanitize.sh [asan] [tsan] [fuzz]      (no argument: all three, in that order)
# Both trees are configured once and rebuilt incrementally, like build/. The plugins, which lrlab
# loads with dlopen, are built with the same sanitizer as the binary (checked below). A report from
# any process, the lrlab runs that tests start included, fails the step: the sanitizers write their
# reports to <tree>/sanitizer-reports/, printed at the end.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/deps.sh" --test
jobs="$(nproc)"
steps=("$@")
((${#steps[@]})) || steps=(asan tsan fuzz)

say() { echo "sanitize.sh: $*" >&2; }

# configure DIR CMAKE-ARGS...: once; unity test suites (several times faster to compile). Without
# MPI: Open MPI's runtime is not instrumented and keeps allocations alive until exit by design, so
# LeakSanitizer would report it, not lrlab; the MPI runner's tests run in the Release build. Without
# the torch plugin, for the same reason (LibTorch is not instrumented) and because it is the slowest
# part to compile: its tests run in the Release build. Without the Python package: an instrumented
# module would need the sanitizer's runtime preloaded into python3; its tests run in the Release build.
configure() {
  local dir="$1"
  shift
  if [[ ! -f "$dir/CMakeCache.txt" ]]; then
    cmake -S "$root" -B "$dir" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug -DLRLAB_UNITY_TESTS=ON -DLRLAB_MPI=OFF \
      -DLRLAB_TORCH=OFF -DLRLAB_PYTHON=OFF "$@" >/dev/null
  fi
}

# check_instrumented DIR SYMBOL: every plugin library of the tree calls the sanitizer's runtime.
check_instrumented() {
  local so bad=0
  while IFS= read -r so; do
    if ! nm -D --undefined-only "$so" | grep "$2" >/dev/null; then  # (not -q: SIGPIPE under pipefail)
      say "$so is not built with the sanitizer (no $2 reference)"
      bad=1
    fi
  done < <(find "$1/plugins" "$1/test-plugins" -name 'lrlab_*.so')
  return "$bad"
}

# run_ctest DIR CTEST-ARGS...: the tests, then fail if any process wrote a sanitizer report.
run_ctest() {
  local dir="$1" reports="$1/sanitizer-reports"
  shift
  rm -rf "$reports"
  mkdir -p "$reports"
  local rc=0
  (cd "$dir" && ctest --output-on-failure -j"$jobs" "$@") || rc=$?
  if compgen -G "$reports/*" >/dev/null; then
    say "sanitizer reports in $reports:"
    cat "$reports"/* >&2
    rc=1
  fi
  return "$rc"
}

asan() {
  local dir="$root/build-asan" t0=$SECONDS
  configure "$dir" -DLRLAB_SANITIZE=address,undefined -DLRLAB_FUZZ=ON
  cmake --build "$dir" -j"$jobs"
  check_instrumented "$dir" __asan_
  say "asan: built in $((SECONDS - t0)) s"
  local t1=$SECONDS
  # exitcode: a sanitizer's exit status that no test mistakes for lrlab's own 1 or 2.
  ASAN_OPTIONS="detect_leaks=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1:exitcode=86:log_path=$dir/sanitizer-reports/asan" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=86:log_path=$dir/sanitizer-reports/ubsan" \
    run_ctest "$dir" -E '^sdk:install|crashes its process|crashes while loading|kill -9 inside long trials|lrlab query streams|readers can query while|export -o interrupted|one writer:|^gallery:|serve: in Chromium'
  # Left out: the two tests whose code crashes on purpose (a worker process under --isolate, a
  # plugin library while loading): the sanitizers report the SIGSEGV as a finding of their own.
  # "sdk: install, scaffold three plugins, build them out of tree, ...": its minutes go to
  # compiling three projects with the system compiler; the plugin loading and sweep it ends with
  # run in the other sdk and e2e tests, which do run here. And the slowest tests whose subject is
  # between processes (long trials killed with -9, a query streaming millions of rows with its
  # memory measured, readers of a database being written, an export interrupted by a signal, two
  # runs on one lock): under ASan they took 570 s of CPU for code paths the other e2e tests here run
  # too (resume after a kill, the query, export and lock code); they run in the Release build, and
  # the concurrent-readers one under TSan. The gallery's tests (docs/gallery.md) check what
  # published findings come to, with sweeps of a hundred trials each, through code every other
  # suite here runs: they run in the Release build. So does the dashboard's browser test (its
  # subject is the page's JavaScript in Chromium; the server's routes and parsing run here in the
  # other serve tests and under the request fuzzer).
  say "asan: tests passed in $((SECONDS - t1)) s"
}

tsan() {
  local dir="$root/build-tsan" t0=$SECONDS
  # Each file of lrlab compiled alone here (not in unity batches): a missing #include shows.
  configure "$dir" -DLRLAB_SANITIZE=thread -DLRLAB_UNITY_BUILD=OFF
  # Only what the sweep tests need: lrlab, every plugin, and the three suites below.
  cmake --build "$dir" -j"$jobs" --target lrlab e2e_tests tasks_tests policies_tests
  check_instrumented "$dir" __tsan_
  say "tsan: built in $((SECONDS - t0)) s"
  local t1=$SECONDS
  # The tests that run sweeps with --jobs 2 (oneTBB workers and the store's writer thread): the
  # end-to-end suite (crash, SIGTERM, concurrent readers, 1 vs 2 jobs, pruning rungs, ...), the
  # quickstart sweep and the policies' events sweep. Left out: the bad-input table (it exits before
  # any thread), and the tests whose subject is between processes or in one thread (two runs on one
  # lock, streamed query output, an interrupted export, a branched sweep killed twice), where TSan
  # sees nothing the others do not; and the dashboard in Chromium (its subject is the page's
  # JavaScript: the server's threads and answer cache run here in the other serve tests).
  TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:exitcode=86:suppressions=$root/tests/sanitizers/tsan.supp:log_path=$dir/sanitizer-reports/tsan" \
    run_ctest "$dir" -R '^(e2e:|tasks:quickstart|policies:policies: every action)' \
    -E 'bad-input|crashes its process|one writer:|lrlab query streams|export -o interrupted|killed before and after a fork|serve: in Chromium'
  say "tsan: tests passed in $((SECONDS - t1)) s"
}

# fuzz_one NAME DICT CORPUS SECONDS: a bounded libFuzzer run of build-asan/tests/fuzz/NAME.
fuzz_one() {
  local dir="$root/build-asan" name="$1" dict="$2" corpus="$3" seconds="$4"
  local work="$dir/fuzz/$name"
  rm -rf "$work/new" && mkdir -p "$work/new" "$work/artifacts"
  # New inputs go to a scratch folder; the committed corpus is only read. One process, bounded in
  # time, each input in 10 s and 2 GB. A fixed seed (LRLAB_FUZZ_SEED, default 1) makes a CI
  # failure reproducible; pass another to explore further.
  local rc=0
  ASAN_OPTIONS="detect_leaks=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    "$dir/tests/fuzz/$name" -dict="$dict" -seed="${LRLAB_FUZZ_SEED:-1}" \
    -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
    "$work/new" "$corpus" >"$work/fuzz.log" 2>&1 || rc=$?
  if ((rc != 0)); then
    tail -n 60 "$work/fuzz.log" >&2
    say "fuzz: $name found a bug; the input is in $work/artifacts/. Fix it, then add the input to"
    say "$corpus as a regression (ctest's \"fuzz: ... corpus runs clean\" runs it)."
    return 1
  fi
  grep -E '^stat::(number_of_executed_units|new_units_added)' "$work/fuzz.log" >&2 || true
  say "fuzz: $name ran ${seconds} s without a finding"
}

fuzz() {
  local dir="$root/build-asan" t0=$SECONDS seconds="${LRLAB_FUZZ_SECONDS:-60}"
  configure "$dir" -DLRLAB_SANITIZE=address,undefined -DLRLAB_FUZZ=ON
  cmake --build "$dir" -j"$jobs" --target spec_fuzzer route_fuzzer lrlab
  fuzz_one spec_fuzzer "$root/tests/fuzz/spec.dict" "$root/tests/fuzz/corpus" "$seconds"
  # The request fuzzer answers from a real database: one small sweep, made by this tree's lrlab.
  mkdir -p "$dir/fuzz"
  ASAN_OPTIONS="detect_leaks=0" "$dir/lrlab" run "$root/tests/fuzz/routes_db.json" --db "$dir/fuzz/routes.db" --fresh -q
  LRLAB_FUZZ_DB="$dir/fuzz/routes.db" \
    fuzz_one route_fuzzer "$root/tests/fuzz/routes.dict" "$root/tests/fuzz/routes_corpus" "$((seconds / 2))"
  say "fuzz: done in $((SECONDS - t0)) s"
}

for step in "${steps[@]}"; do
  case "$step" in
    asan | tsan | fuzz) "$step" ;;
    *)
      echo "usage: scripts/sanitize.sh [asan] [tsan] [fuzz]" >&2
      exit 2
      ;;
  esac
done
say "passed: ${steps[*]}"
