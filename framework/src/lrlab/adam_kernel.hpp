#pragma once
// The Adam update loop (the formulas are in adam.hpp), for one scalar type T of arithmetic, on
// arrays of a storage type S: Adam runs double on double, and float on double for "dtype":
// "float32" (the arrays hold float32 numbers, widened exactly; every operation rounds to float);
// the benchmarks (bench/adam_bench.cpp) measure float on float too. Specialised at compile time
// per variant, so each one is a single branch-free pass over memory: 7 arrays' worth of traffic per
// parameter (read x, g, m, v; write x, m, v), and the compiler vectorises it.
//
// adam_pass() runs it in the widest vectors the CPU has: a copy compiled for AVX2 and one for the
// x86-64 baseline (SSE2), chosen when the program loads. The copies differ only in vector width:
// no FMA, no reassociation, so every CPU computes the same bits.
#include <algorithm>
#include <cmath>
#include <cstddef>

// The vector-width clones of a function (AVX2 and the baseline). The loader picks one through an
// ifunc resolver before ThreadSanitizer's runtime is up, and an instrumented resolver crashes
// there: TSan builds get the baseline only.
#if defined(__SANITIZE_THREAD__)
#define LRLAB_NO_VECTOR_CLONES 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LRLAB_NO_VECTOR_CLONES 1
#endif
#endif
#ifdef LRLAB_NO_VECTOR_CLONES
#define LRLAB_VECTOR_CLONES
#else
#define LRLAB_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#endif

namespace lrlab {

template <typename T>
struct AdamScalars {
  T lr, b1, b2, eps, wd;
  bool l2;       // add wd * x to the gradient (L2; not with decoupled weight decay)
  T shrink;      // x is multiplied by it first: 1 - lr * wd for AdamW, else 1
  T bc1;         // 1 - beta_1^k
  T bc2_sqrt;    // sqrt(1 - beta_2^k)
};

template <typename T, bool Keras, bool AmsGrad, typename S = T>
[[gnu::always_inline]] inline
void adam_update(std::size_t n, S* __restrict x, const S* __restrict grad, S* __restrict m, S* __restrict v,
                 S* __restrict v_max, const AdamScalars<T>& s) {
  const T step_size = Keras ? s.lr * s.bc2_sqrt / s.bc1 : s.lr / s.bc1;
  // Copies, so the loop reads no memory that the stores could alias: it stays vectorised.
  const T b1 = s.b1, b2 = s.b2, eps = s.eps, wd = s.wd, shrink = s.shrink, bc2_sqrt = s.bc2_sqrt, one = 1;
  const bool l2 = s.l2;
  for (std::size_t i = 0; i < n; ++i) {
    const T xi = static_cast<T>(x[i]), gi = static_cast<T>(grad[i]);
    const T g = l2 ? gi + wd * xi : gi;
    const T mi = b1 * static_cast<T>(m[i]) + (one - b1) * g;
    const T vi = b2 * static_cast<T>(v[i]) + (one - b2) * g * g;
    m[i] = mi;
    v[i] = vi;
    T vh = vi;
    if constexpr (AmsGrad) {
      vh = std::max(static_cast<T>(v_max[i]), vi);
      v_max[i] = vh;
    }
    // PyTorch: denom = sqrt(v) / sqrt(bc2) + eps (a division, as torch does, for the same bits).
    const T denom = Keras ? std::sqrt(vh) + eps : std::sqrt(vh) / bc2_sqrt + eps;
    x[i] = xi * shrink - step_size * mi / denom;
  }
}

// One update of n parameters, in double or float (adam.cpp).
void adam_pass(bool keras_epsilon, bool amsgrad, std::size_t n, double* x, const double* grad, double* m, double* v,
               double* v_max, const AdamScalars<double>& s);
void adam_pass(bool keras_epsilon, bool amsgrad, std::size_t n, float* x, const float* grad, float* m, float* v,
               float* v_max, const AdamScalars<float>& s);
void adam_pass(bool keras_epsilon, bool amsgrad, std::size_t n, double* x, const double* grad, double* m, double* v,
               double* v_max, const AdamScalars<float>& s);  // float arithmetic on float32 numbers held in double

}  // namespace lrlab
