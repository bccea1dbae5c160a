// The Adam update against the memory bandwidth of the same machine: a STREAM triad
// (a = b + s * c) measured in the same binary over the same sizes. Both are reported as bytes moved
// per second: Adam moves 7 arrays per parameter (reads x, g, m, v; writes x, m, v), the triad 3.
// Target (bench/RESULTS.md): at 10^7 parameters, Adam >= 80% of the triad's bandwidth.
#include <benchmark/benchmark.h>

#include <vector>

#include "lrlab/adam_kernel.hpp"

namespace {

template <typename T>
void BM_adam(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<T> x(n, T(0.5)), g(n, T(0.01)), m(n, T(0)), v(n, T(0));
  // The scalars of update k = 10 at lr 1e-3, PyTorch's form (the default).
  const auto s = lrlab::AdamScalars<T>::from(false, 1e-3, 0.9, 0.999, 1e-8, 0, false, 1, 1 - 0.3486784401, 0.0998);
  for (auto _ : state) {
    lrlab::adam_pass(false, false, n, x.data(), g.data(), m.data(), v.data(), nullptr, s);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n * 7 * sizeof(T)));
  state.counters["params"] = static_cast<double>(n);
}

// The triad in the same vector widths as adam_pass (AVX2 where the CPU has it), so the comparison
// is between two loops compiled alike (one function per type: compilers clone plain functions only).
template <typename T>
[[gnu::always_inline]] inline void triad_loop(std::size_t n, T* __restrict a, const T* __restrict b, const T* __restrict c,
                                              T scalar) {
  for (std::size_t i = 0; i < n; ++i) a[i] = b[i] + scalar * c[i];
}
LRLAB_VECTOR_CLONES void triad(std::size_t n, double* a, const double* b, const double* c,
                                                             double scalar) {
  triad_loop(n, a, b, c, scalar);
}
LRLAB_VECTOR_CLONES void triad(std::size_t n, float* a, const float* b, const float* c,
                                                             float scalar) {
  triad_loop(n, a, b, c, scalar);
}

template <typename T>
void BM_triad(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<T> a(n, T(0)), b(n, T(1)), c(n, T(2));
  const T scalar = T(3);
  for (auto _ : state) {
    triad(n, a.data(), b.data(), c.data(), scalar);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n * 3 * sizeof(T)));
}

}  // namespace

BENCHMARK(BM_adam<double>)->Name("adam/float64")->RangeMultiplier(10)->Range(1000, 10'000'000)->UseRealTime();
BENCHMARK(BM_triad<double>)->Name("triad/float64")->RangeMultiplier(10)->Range(1000, 10'000'000)->UseRealTime();
BENCHMARK(BM_adam<float>)->Name("adam/float32")->RangeMultiplier(10)->Range(1000, 10'000'000)->UseRealTime();
BENCHMARK(BM_triad<float>)->Name("triad/float32")->RangeMultiplier(10)->Range(1000, 10'000'000)->UseRealTime();
