#pragma once
// gemm: the matrix products of the data tasks (a dense layer's forward pass, its weight gradient
// and the back-propagated delta), with bits that do not depend on the CPU.
//
// The contract. Every output is summed over k in one fixed order, from zero, a multiply then an
// add, never fused:
//
//   C(i, j) = (...((0 + A(i,0) B(0,j)) + A(i,1) B(1,j)) + ...) + A(i,K-1) B(K-1,j)
//
// which is what the plain triple loop computes (tests/tasks/gemm_test.cpp checks every path
// against it, bit for bit). The kernels vectorise across outputs (each vector lane is one C(i, j)
// and runs exactly that sequence), so the vector width changes the speed and not the bits: the
// baseline x86-64 path (SSE2), AVX2 and AVX-512 give the same results, and so does any CPU.
//
// Why no fused multiply-add: a product with FMA rounds once where mul-then-add rounds twice, so
// FMA would have to be used everywhere or nowhere. "Everywhere" means a correctly rounded software
// fma() on CPUs without it (SSE2-only x86-64), tens of times slower there. "Nowhere" costs nothing
// on CPUs with separate multiply and add pipes (AMD Zen: two of each, the same peak as two FMA
// pipes) and at most half the peak where mul and add share the FMA pipes (Intel). bench/ measures
// both (the avx2_fma path, bench only) and bench/RESULTS.md has the numbers.
//
// Blocking: A is packed into panels of MR rows (MR = two vectors), B into panels of NR columns,
// zero-padded at the edges; an MR x NR block of C stays in registers for the whole sum over k (no
// k blocking, so no partial sums leave a register). The packing buffers live in a Scratch owned
// by the caller and grow to the largest product once: no allocation per step. When m is small
// and n large the product is computed as C' = B' A' (the same sums: a * b == b * a exactly), to
// waste fewer padded lanes.
#include <cstddef>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

namespace lrlab::tasks::gemm {

// A strided matrix: element (i, j) at data[i * row_stride + j * col_stride]. A column-major
// matrix with leading dimension ld has row_stride 1 and col_stride ld; t() is its transpose.
template <typename T>
struct View {
  T* data;
  std::ptrdiff_t rows, cols, row_stride, col_stride;

  T& operator()(std::ptrdiff_t i, std::ptrdiff_t j) const { return data[i * row_stride + j * col_stride]; }
  View t() const { return {data, cols, rows, col_stride, row_stride}; }
  operator View<const T>() const
    requires(!std::is_const_v<T>)
  {
    return {data, rows, cols, row_stride, col_stride};
  }
};

// A column-major matrix of rows x cols with leading dimension ld (default: rows).
template <typename T>
View<T> column_major(T* data, std::ptrdiff_t rows, std::ptrdiff_t cols, std::ptrdiff_t ld = 0) {
  return {data, rows, cols, 1, ld ? ld : rows};
}

// The code paths. All but avx2_fma give the same bits; avx2_fma fuses multiply and add and is
// only there for bench/ to measure what FMA would buy (never chosen, never used by a task).
enum class Path { baseline, avx2, avx512, avx2_fma };

std::string_view name(Path path);
// Whether this CPU can run the path.
bool runnable(Path path);
// The path multiply() takes: the widest this CPU runs, or the one the environment variable
// LRLAB_GEMM_PATH names (baseline, avx2 or avx512: tests force each path through it). Decided once
// per process; throws std::runtime_error naming the variable if it names a path the CPU cannot run.
Path chosen();

// The packing buffers; one per thread of work (a task keeps one in its workspace).
struct Scratch {
  std::vector<double> a64, b64;
  std::vector<float> a32, b32;
};

// C = A B, with A m x k, B k x n and C m x n (C must not overlap A or B). Throws
// std::invalid_argument if the shapes do not agree.
void multiply(View<const double> a, View<const double> b, View<double> c, Scratch& scratch);
void multiply(View<const float> a, View<const float> b, View<float> c, Scratch& scratch);

// The same on a given path (tests and bench/); throws std::runtime_error if the CPU cannot run it.
void multiply(Path path, View<const double> a, View<const double> b, View<double> c, Scratch& scratch);
void multiply(Path path, View<const float> a, View<const float> b, View<float> c, Scratch& scratch);

}  // namespace lrlab::tasks::gemm
