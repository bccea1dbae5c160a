#pragma once
// The blocked GEMM of gemm.hpp, written once for a vector width: each gemm_<path>.cpp includes it
// and is compiled with that path's instruction set (-mavx2, -mavx512f, or nothing for the x86-64
// baseline) and -ffp-contract=off, so that `acc + a * b` stays a multiply and an add (except in
// gemm_avx2_fma.cpp, which asks for the fusion to measure it). gemm.cpp has already checked the
// shapes, chosen the orientation and sized the packing buffers.
//
// Everything here has internal linkage and calls no inline function of another header (no
// std::min, no View member): a function with external linkage compiled in two of these files would
// be merged by the linker into one copy, compiled for one instruction set, which the other path
// would then run (AVX-512 code on an AVX2 CPU, or the avx2 path fused).
//
// Vectors are GCC's vector extensions (clang has them too): the compiler maps them onto the
// registers of the instruction set the file is compiled for.
#include <utility>

#include "gemm_paths.hpp"

namespace lrlab::tasks::gemm {
namespace {

template <typename T, int VectorBytes, int NR>
struct Kernel {
  static constexpr int W = VectorBytes / static_cast<int>(sizeof(T));  // lanes per vector
  static constexpr int MV = 2;                                         // vectors per column of a block
  static constexpr int MR = W * MV;                                    // rows of a block
  typedef T Vec __attribute__((vector_size(VectorBytes)));
  // The same vector at any address a T may have (loads and stores of packed panels and of C).
  typedef T Unaligned __attribute__((vector_size(VectorBytes), aligned(alignof(T)), may_alias));

  static std::ptrdiff_t lesser(std::ptrdiff_t x, std::ptrdiff_t y) { return x < y ? x : y; }

  // Rows i0 .. i0+MR of A (k columns) as k groups of MR values, zero past the last row. A column
  // of contiguous rows (a column-major A) is a straight copy, which the compiler vectorises; rows
  // of contiguous columns (a transposed one) are read row by row, in the order they lie in memory.
  static void pack_a(const View<const T>& a, std::ptrdiff_t i0, T* out) {
    const std::ptrdiff_t rows = lesser(MR, a.rows - i0), rs = a.row_stride, cs = a.col_stride, k = a.cols;
    const T* first = a.data + i0 * rs;
    if (cs == 1 && rs != 1) {
      for (std::ptrdiff_t r = 0; r < MR; ++r) {
        const T* row = first + r * rs;
        for (std::ptrdiff_t p = 0; p < k; ++p) out[p * MR + r] = r < rows ? row[p] : T(0);
      }
      return;
    }
    for (std::ptrdiff_t p = 0; p < k; ++p, out += MR) {
      const T* column = first + p * cs;
      if (rows == MR && rs == 1) {
        for (int v = 0; v < MV; ++v)
          *reinterpret_cast<Unaligned*>(out + v * W) = *reinterpret_cast<const Unaligned*>(column + v * W);
        continue;
      }
      for (std::ptrdiff_t r = 0; r < rows; ++r) out[r] = column[r * rs];
      for (std::ptrdiff_t r = rows; r < MR; ++r) out[r] = T(0);
    }
  }
  // Columns j0 .. j0+NR of B (k rows) as k groups of NR values, zero past the last column.
  static void pack_b(const View<const T>& b, std::ptrdiff_t j0, T* out) {
    const std::ptrdiff_t cols = lesser(NR, b.cols - j0), cs = b.col_stride;
    const T* row = b.data + j0 * cs;
    for (std::ptrdiff_t p = 0; p < b.rows; ++p, out += NR, row += b.row_stride) {
      for (std::ptrdiff_t c = 0; c < cols; ++c) out[c] = row[c * cs];
      for (std::ptrdiff_t c = cols; c < NR; ++c) out[c] = T(0);
    }
  }
  // Every lane = *p: one broadcast load (an initialiser list of W copies, which compilers emit as
  // a broadcast; a loop over the lanes becomes shuffles).
  template <std::size_t... Lane>
  static Vec splat(const T* p, std::index_sequence<Lane...>) {
    const T s = *p;
    return Vec{((void)Lane, s)...};
  }
  static Vec splat(const T* p) { return splat(p, std::make_index_sequence<W>{}); }

  // One MR x NR block of C from packed panels: each lane sums its products over k in order. A full
  // block of a C whose columns are contiguous is stored straight from the registers; any other goes
  // through `tile` and is copied element by element.
  static void block(std::ptrdiff_t k, const T* __restrict a, const T* __restrict b, const View<T>& c, std::ptrdiff_t i0,
                    std::ptrdiff_t j0) {
    Vec acc[NR][MV];
    for (int j = 0; j < NR; ++j)
      for (int v = 0; v < MV; ++v) acc[j][v] = Vec{};
    for (std::ptrdiff_t p = 0; p < k; ++p, a += MR, b += NR) {
      Vec av[MV];
      for (int v = 0; v < MV; ++v) av[v] = *reinterpret_cast<const Unaligned*>(a + v * W);
      for (int j = 0; j < NR; ++j) {
        const Vec bj = splat(b + j);
        for (int v = 0; v < MV; ++v) acc[j][v] = acc[j][v] + av[v] * bj;
      }
    }
    const std::ptrdiff_t rows = lesser(MR, c.rows - i0), cols = lesser(NR, c.cols - j0);
    if (rows == MR && cols == NR && c.row_stride == 1) {
      for (int j = 0; j < NR; ++j)
        for (int v = 0; v < MV; ++v)
          *reinterpret_cast<Unaligned*>(c.data + i0 + v * W + (j0 + j) * c.col_stride) = acc[j][v];
      return;
    }
    T tile[NR][MR];
    for (int j = 0; j < NR; ++j)
      for (int v = 0; v < MV; ++v) *reinterpret_cast<Unaligned*>(&tile[j][v * W]) = acc[j][v];
    for (std::ptrdiff_t j = 0; j < cols; ++j)
      for (std::ptrdiff_t r = 0; r < rows; ++r) c.data[(i0 + r) * c.row_stride + (j0 + j) * c.col_stride] = tile[j][r];
  }

  // C = A B, k >= 1; a_pack holds (m rounded up to MR) x k values, b_pack NR x W x k.
  static void multiply(const View<const T>& a, const View<const T>& b, const View<T>& c, T* a_pack, T* b_pack) {
    const std::ptrdiff_t m = c.rows, n = c.cols, k = a.cols;
    const std::ptrdiff_t row_blocks = (m + MR - 1) / MR;
    for (std::ptrdiff_t ib = 0; ib < row_blocks; ++ib) pack_a(a, ib * MR, a_pack + ib * MR * k);
    for (std::ptrdiff_t j0 = 0; j0 < n; j0 += NR) {
      pack_b(b, j0, b_pack);  // k x NR vectors: in L1 while every row block passes over it
      for (std::ptrdiff_t ib = 0; ib < row_blocks; ++ib) block(k, a_pack + ib * MR * k, b_pack, c, ib * MR, j0);
    }
  }
};

}  // namespace
}  // namespace lrlab::tasks::gemm

// What each gemm_<path>.cpp defines: the kernels declared in gemm_paths.hpp, with that path's
// blocking.
#define LRLAB_GEMM_DEFINE_PATH(PATH)                                                                          \
  namespace lrlab::tasks::gemm::PATH {                                                                       \
  void multiply(const View<const double>& a, const View<const double>& b, const View<double>& c, double* ap,  \
                double* bp) {                                                                                \
    Kernel<double, blocking.vector_bytes, blocking.nr64>::multiply(a, b, c, ap, bp);                         \
  }                                                                                                          \
  void multiply(const View<const float>& a, const View<const float>& b, const View<float>& c, float* ap,      \
                float* bp) {                                                                                 \
    Kernel<float, blocking.vector_bytes, blocking.nr32>::multiply(a, b, c, ap, bp);                          \
  }                                                                                                          \
  }
