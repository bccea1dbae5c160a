#pragma once
// The per-path kernels behind gemm::multiply (gemm.cpp dispatches to one): each is
// gemm_kernel.hpp compiled by its own gemm_<path>.cpp for that path's instruction set, with the
// blocking declared here, so that gemm.cpp can size the packing buffers and choose the orientation.
#include "gemm.hpp"

namespace lrlab::tasks::gemm {

// A block of C is two vectors (2 * vector_bytes / sizeof(T) rows) by nr columns: as many
// accumulators as the path's registers hold beside the operands.
struct Blocking {
  int vector_bytes, nr64, nr32;
  template <typename T>
  constexpr int mr() const { return 2 * vector_bytes / static_cast<int>(sizeof(T)); }
  template <typename T>
  constexpr int nr() const { return sizeof(T) == 8 ? nr64 : nr32; }
  template <typename T>
  constexpr int lanes() const { return vector_bytes / static_cast<int>(sizeof(T)); }
};

}  // namespace lrlab::tasks::gemm

// C = A B on the path, k >= 1, shapes checked; a_pack holds m rounded up to mr() times k values,
// b_pack nr() times k vectors (nr() * lanes<T>() * k values).
#define LRLAB_GEMM_DECLARE_PATH(PATH, VECTOR_BYTES, NR64, NR32)                                            \
  namespace lrlab::tasks::gemm::PATH {                                                                     \
  inline constexpr Blocking blocking{VECTOR_BYTES, NR64, NR32};                                            \
  void multiply(const View<const double>& a, const View<const double>& b, const View<double>& c, double* ap, \
                double* bp);                                                                               \
  void multiply(const View<const float>& a, const View<const float>& b, const View<float>& c, float* ap,     \
                float* bp);                                                                                \
  }

// SSE2: 16 registers of 16 bytes; AVX2: 16 of 32; AVX-512: 32 of 64.
LRLAB_GEMM_DECLARE_PATH(baseline, 16, 4, 4)
LRLAB_GEMM_DECLARE_PATH(avx2, 32, 6, 6)
LRLAB_GEMM_DECLARE_PATH(avx512, 64, 8, 8)
LRLAB_GEMM_DECLARE_PATH(avx2_fma, 32, 6, 6)
