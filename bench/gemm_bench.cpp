// The tasks' matrix products (plugins/tasks/gemm.hpp) on every path this CPU runs, at the shapes
// of the MLP 64-128-10 at batch 64: the first layer's forward (W1 X), its weight gradient
// (D1 X', B read transposed), the second layer's forward (W2 A1) and the delta it sends back
// (W2' D2). Reported as FLOP/s (2 m n k per product) and as a fraction of the machine's
// multiply-add peak of the same precision (peak.hpp). The avx2_fma path fuses (other bits: bench
// only); comparing it with avx2 is what FMA would buy.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "peak.hpp"
#include "tasks/gemm.hpp"

namespace {

namespace gemm = lrlab::tasks::gemm;

struct Shape {
  const char* name;
  std::ptrdiff_t m, k, n;
  bool b_transposed;
};

template <typename T>
void BM_gemm(benchmark::State& state, gemm::Path path, Shape shape) {
  if (!gemm::runnable(path)) {
    state.SkipWithError("this CPU cannot run the path");
    return;
  }
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<T> a(static_cast<std::size_t>(shape.m * shape.k)), b(static_cast<std::size_t>(shape.k * shape.n)),
      c(static_cast<std::size_t>(shape.m * shape.n));
  for (auto& x : a) x = static_cast<T>(u(rng));
  for (auto& x : b) x = static_cast<T>(u(rng));
  const auto av = gemm::column_major<const T>(a.data(), shape.m, shape.k);
  const auto bv = shape.b_transposed ? gemm::column_major<const T>(b.data(), shape.n, shape.k).t()
                                     : gemm::column_major<const T>(b.data(), shape.k, shape.n);
  const auto cv = gemm::column_major(c.data(), shape.m, shape.n);
  gemm::Scratch scratch;
  for (auto _ : state) {
    gemm::multiply(path, av, bv, cv, scratch);
    benchmark::ClobberMemory();
  }
  const double flops = 2.0 * static_cast<double>(shape.m * shape.n * shape.k);
  state.counters["FLOP/s"] = benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["of_peak"] =
      benchmark::Counter(flops / lrlab::bench::machine_peak(sizeof(T) == 8), benchmark::Counter::kIsIterationInvariantRate);
}

const bool registered = [] {
  const Shape shapes[] = {{"W1*X", 128, 64, 64, false},
                          {"D1*Xt", 128, 64, 64, true},
                          {"W2*A1", 10, 128, 64, false},
                          {"W2t*D2", 128, 10, 64, false}};
  for (const auto path : {gemm::Path::baseline, gemm::Path::avx2, gemm::Path::avx2_fma, gemm::Path::avx512})
    for (const Shape& s : shapes) {
      const std::string name = "gemm/" + std::string(gemm::name(path)) + "/";
      benchmark::RegisterBenchmark((name + "float64/" + s.name).c_str(), BM_gemm<double>, path, s)
          ->Unit(benchmark::kMicrosecond);
      benchmark::RegisterBenchmark((name + "float32/" + s.name).c_str(), BM_gemm<float>, path, s)
          ->Unit(benchmark::kMicrosecond);
    }
  return true;
}();

}  // namespace
