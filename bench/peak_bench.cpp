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

// The other arithmetic of a softmax step: Eigen's vectorised exp, as softmax_cross_entropy calls it
// (one column of 10 logits at a time, 64 columns: a batch of the digits), in ns per exp. With the
// peak above it gives the arithmetic lower bound of a softmax-regression step (bench/RESULTS.md).
#include <Eigen/Core>

namespace {

void BM_exp_column(benchmark::State& state) {
  Eigen::MatrixXd z = Eigen::MatrixXd::Random(10, 64), e(10, 64);
  for (auto _ : state) {
    for (Eigen::Index j = 0; j < z.cols(); ++j) e.col(j) = (z.col(j).array() - 0.5).exp().matrix();
    benchmark::DoNotOptimize(e.data());
    benchmark::ClobberMemory();
  }
  state.counters["exp/s"] = benchmark::Counter(static_cast<double>(z.size()), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_exp_column)->Name("exp/float64/softmax_columns_10x64")->Unit(benchmark::kMicrosecond);

// The same 640 exps as one contiguous array: the best rate this build's exp reaches.
void BM_exp_array(benchmark::State& state) {
  Eigen::ArrayXd z = Eigen::ArrayXd::Random(640), e(640);
  for (auto _ : state) {
    e = (z - 0.5).exp();
    benchmark::DoNotOptimize(e.data());
    benchmark::ClobberMemory();
  }
  state.counters["exp/s"] = benchmark::Counter(static_cast<double>(z.size()), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_exp_array)->Name("exp/float64/array_640")->Unit(benchmark::kMicrosecond);

}  // namespace
