// The loops of peak.hpp, one function per (precision, instruction set, fused or not), written
// with intrinsics so that each is exactly the instruction it names, compiled for its instruction
// set with a target attribute and run only where the CPU has it.
#include <chrono>

#include <immintrin.h>

#include "peak.hpp"

namespace lrlab::bench {
namespace {

constexpr int chains = 12;

// m < 1 and a small: every accumulator converges to a / (1 - m) and stays a normal number.
#define LRLAB_PEAK_LOOP(NAME, TARGET, T, V, SET1, STORE, STEP)                     \
  __attribute__((target(TARGET))) double NAME(std::int64_t iterations) {          \
    volatile T m_in = T(0.999), a_in = T(1e-3);                                   \
    const V m = SET1(m_in), a = SET1(a_in);                                       \
    V acc[chains];                                                                 \
    for (int j = 0; j < chains; ++j) acc[j] = SET1(T(1) + T(j) * T(1e-3));       \
    for (std::int64_t i = 0; i < iterations; ++i)                                 \
      for (int j = 0; j < chains; ++j) acc[j] = STEP;                             \
    alignas(64) T lanes[sizeof(V) / sizeof(T)];                                   \
    double sum = 0;                                                               \
    for (int j = 0; j < chains; ++j) {                                            \
      STORE(lanes, acc[j]);                                                       \
      for (const T x : lanes) sum += x;                                           \
    }                                                                             \
    return sum;                                                                   \
  }

// The step of accumulator j, as an expression of acc[j], m and a.
#define MULADD(MUL, ADD) ADD(MUL(acc[j], m), a)
#define FUSED(FMA) FMA(acc[j], m, a)

LRLAB_PEAK_LOOP(f64_sse2, "sse2", double, __m128d, _mm_set1_pd, _mm_store_pd, MULADD(_mm_mul_pd, _mm_add_pd))
LRLAB_PEAK_LOOP(f32_sse2, "sse2", float, __m128, _mm_set1_ps, _mm_store_ps, MULADD(_mm_mul_ps, _mm_add_ps))
LRLAB_PEAK_LOOP(f64_avx2, "avx2", double, __m256d, _mm256_set1_pd, _mm256_store_pd, MULADD(_mm256_mul_pd, _mm256_add_pd))
LRLAB_PEAK_LOOP(f32_avx2, "avx2", float, __m256, _mm256_set1_ps, _mm256_store_ps, MULADD(_mm256_mul_ps, _mm256_add_ps))
LRLAB_PEAK_LOOP(f64_avx2_fma, "avx2,fma", double, __m256d, _mm256_set1_pd, _mm256_store_pd, FUSED(_mm256_fmadd_pd))
LRLAB_PEAK_LOOP(f32_avx2_fma, "avx2,fma", float, __m256, _mm256_set1_ps, _mm256_store_ps, FUSED(_mm256_fmadd_ps))
LRLAB_PEAK_LOOP(f64_avx512, "avx512f", double, __m512d, _mm512_set1_pd, _mm512_store_pd, MULADD(_mm512_mul_pd, _mm512_add_pd))
LRLAB_PEAK_LOOP(f32_avx512, "avx512f", float, __m512, _mm512_set1_ps, _mm512_store_ps, MULADD(_mm512_mul_ps, _mm512_add_ps))
LRLAB_PEAK_LOOP(f64_avx512_fma, "avx512f", double, __m512d, _mm512_set1_pd, _mm512_store_pd, FUSED(_mm512_fmadd_pd))
LRLAB_PEAK_LOOP(f32_avx512_fma, "avx512f", float, __m512, _mm512_set1_ps, _mm512_store_ps, FUSED(_mm512_fmadd_ps))

double seconds_of(const PeakLoop& loop, std::int64_t iterations) {
  const auto start = std::chrono::steady_clock::now();
  volatile double sink = loop.run(iterations);
  (void)sink;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

const std::vector<PeakLoop>& peak_loops() {
  static const std::vector<PeakLoop> loops = [] {
    const bool avx2 = __builtin_cpu_supports("avx2"), fma = __builtin_cpu_supports("fma"),
               avx512 = __builtin_cpu_supports("avx512f");
    const auto loop = [](std::string name, bool fp64, bool runnable, double (*run)(std::int64_t), int lanes) {
      return PeakLoop{std::move(name), fp64, runnable, run, 2.0 * chains * lanes};
    };
    return std::vector<PeakLoop>{
        loop("float64/sse2/mul+add", true, true, f64_sse2, 2),
        loop("float64/avx2/mul+add", true, avx2, f64_avx2, 4),
        loop("float64/avx2/fma", true, avx2 && fma, f64_avx2_fma, 4),
        loop("float64/avx512/mul+add", true, avx512, f64_avx512, 8),
        loop("float64/avx512/fma", true, avx512, f64_avx512_fma, 8),
        loop("float32/sse2/mul+add", false, true, f32_sse2, 4),
        loop("float32/avx2/mul+add", false, avx2, f32_avx2, 8),
        loop("float32/avx2/fma", false, avx2 && fma, f32_avx2_fma, 8),
        loop("float32/avx512/mul+add", false, avx512, f32_avx512, 16),
        loop("float32/avx512/fma", false, avx512, f32_avx512_fma, 16),
    };
  }();
  return loops;
}

double machine_peak(bool fp64) {
  static const auto measure = [](bool want64) {
    double best = 0;
    for (const PeakLoop& loop : peak_loops()) {
      if (loop.fp64 != want64 || !loop.runnable) continue;
      std::int64_t n = 1 << 16;
      while (seconds_of(loop, n) < 0.02) n *= 2;  // about 0.1 s per run below
      n *= 5;
      for (int r = 0; r < 3; ++r) best = std::max(best, loop.flops_per_iteration * static_cast<double>(n) / seconds_of(loop, n));
    }
    return best;
  };
  static const double peak64 = measure(true), peak32 = measure(false);
  return fp64 ? peak64 : peak32;
}

}  // namespace lrlab::bench
