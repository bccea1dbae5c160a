// The arithmetic limit of one core (peak.hpp): every multiply-add loop this CPU runs, in FLOP/s.
// A loop the CPU cannot run is reported as skipped.
#include <benchmark/benchmark.h>

#include "peak.hpp"

namespace {

void BM_peak(benchmark::State& state, const lrlab::bench::PeakLoop& loop) {
  if (!loop.runnable) {
    state.SkipWithError("this CPU lacks the instructions");
    return;
  }
  constexpr std::int64_t iterations = 1 << 20;
  for (auto _ : state) benchmark::DoNotOptimize(loop.run(iterations));
  state.counters["FLOP/s"] = benchmark::Counter(loop.flops_per_iteration * iterations, benchmark::Counter::kIsIterationInvariantRate);
}

const bool registered = [] {
  for (const auto& loop : lrlab::bench::peak_loops())
    benchmark::RegisterBenchmark(("peak/" + loop.name).c_str(), BM_peak, loop)->Unit(benchmark::kMillisecond);
  return true;
}();

}  // namespace
