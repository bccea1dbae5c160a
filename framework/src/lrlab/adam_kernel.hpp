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

// The update's scalars, each computed in double and rounded to T once (for float32, as PyTorch
// hands its Python-float scalars to a float32 kernel: 1 - beta_2 is float(1 - 0.9999999), not
// 1 - float(0.9999999), which would lose all but a few bits of it).
template <typename T>
struct AdamScalars {
  T b1, one_minus_b1, b2, one_minus_b2, eps, wd;
  bool l2;       // add wd * x to the gradient (L2; not with decoupled weight decay)
  T shrink;      // x is multiplied by it first: 1 - lr * wd for AdamW, else 1
  T step_size;   // pytorch: lr / (1 - beta_1^k); keras: lr * sqrt(1 - beta_2^k) / (1 - beta_1^k)
  T bc2_sqrt;    // sqrt(1 - beta_2^k)

  // bc1 = 1 - beta_1^k, bc2_sqrt = sqrt(1 - beta_2^k), shrink as above.
  static AdamScalars from(bool keras, double lr, double b1, double b2, double eps, double wd, bool l2, double shrink,
                          double bc1, double bc2_sqrt) {
    const auto t = [](double d) { return static_cast<T>(d); };
    return {t(b1), t(1.0 - b1), t(b2), t(1.0 - b2), t(eps), t(wd), l2, t(shrink),
            t(keras ? lr * bc2_sqrt / bc1 : lr / bc1), t(bc2_sqrt)};
  }
};

template <typename T, bool Keras, bool AmsGrad, typename S = T>
[[gnu::always_inline]] inline
void adam_update(std::size_t n, S* __restrict x, const S* __restrict grad, S* __restrict m, S* __restrict v,
                 S* __restrict v_max, const AdamScalars<T>& s) {
  // Copies, so the loop reads no memory that the stores could alias: it stays vectorised.
  const T b1 = s.b1, c1 = s.one_minus_b1, b2 = s.b2, c2 = s.one_minus_b2, eps = s.eps, wd = s.wd, shrink = s.shrink,
          step_size = s.step_size, bc2_sqrt = s.bc2_sqrt;
  const bool l2 = s.l2;
  for (std::size_t i = 0; i < n; ++i) {
    const T xi = static_cast<T>(x[i]), gi = static_cast<T>(grad[i]);
    const T g = l2 ? gi + wd * xi : gi;
    const T mi = b1 * static_cast<T>(m[i]) + c1 * g;
    const T vi = b2 * static_cast<T>(v[i]) + c2 * g * g;
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
