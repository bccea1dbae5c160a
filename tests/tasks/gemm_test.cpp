// gemm.hpp's contract: every path computes C(i,j) as the plain triple loop below does (from zero,
// k in order, a multiply then an add), bit for bit, on every shape and layout; the avx2_fma path
// does the same sums with each step fused (std::fma), which is what it is there to measure.
// A path this CPU cannot run reports itself skipped.
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "support/cli.hpp"
#include "support/db_content.hpp"
#include "tasks/gemm.hpp"

namespace {

using lrlab::tasks::gemm::Path;
using lrlab::tasks::gemm::View;
namespace gemm = lrlab::tasks::gemm;

// The reference: the contract's formula, written out.
template <typename T>
void triple_loop(View<const T> a, View<const T> b, View<T> c, bool fused) {
  for (std::ptrdiff_t i = 0; i < c.rows; ++i)
    for (std::ptrdiff_t j = 0; j < c.cols; ++j) {
      T sum = 0;
      for (std::ptrdiff_t p = 0; p < a.cols; ++p) sum = fused ? std::fma(a(i, p), b(p, j), sum) : sum + a(i, p) * b(p, j);
      c(i, j) = sum;
    }
}

// A matrix in its own storage, column-major or row-major, with a leading dimension larger than
// needed (so that strides are exercised), filled with values of mixed sign and magnitude, some
// exact zeros and negative zeros.
template <typename T>
struct Stored {
  std::vector<T> data;
  View<T> view;
  Stored(std::ptrdiff_t rows, std::ptrdiff_t cols, bool row_major, std::mt19937_64& rng) {
    const std::ptrdiff_t pad = 3, ld = (row_major ? cols : rows) + pad;
    data.assign(static_cast<std::size_t>(ld * (row_major ? rows : cols)), T(777));
    view = row_major ? View<T>{data.data(), rows, cols, ld, 1} : View<T>{data.data(), rows, cols, 1, ld};
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::uniform_int_distribution<int> kind(0, 19), scale(-30, 30);
    for (std::ptrdiff_t i = 0; i < rows; ++i)
      for (std::ptrdiff_t j = 0; j < cols; ++j) {
        const int k = kind(rng);
        view(i, j) = k == 0 ? T(0) : k == 1 ? T(-0.0) : static_cast<T>(std::ldexp(u(rng), k == 2 ? scale(rng) : 0));
      }
  }
};

template <typename T>
bool same_bits(View<T> x, View<T> y) {
  for (std::ptrdiff_t i = 0; i < x.rows; ++i)
    for (std::ptrdiff_t j = 0; j < x.cols; ++j)
      if (std::bit_cast<std::conditional_t<sizeof(T) == 8, std::uint64_t, std::uint32_t>>(x(i, j)) !=
          std::bit_cast<std::conditional_t<sizeof(T) == 8, std::uint64_t, std::uint32_t>>(y(i, j)))
        return false;
  return true;
}

template <typename T>
void check_path(Path path) {
  std::mt19937_64 rng(20261202);
  gemm::Scratch scratch;  // one for all shapes: growing and reusing it must not matter
  const std::vector<std::ptrdiff_t> sizes{1, 2, 3, 7, 17, 33, 65};
  int checked = 0;
  for (const auto m : sizes)
    for (const auto n : sizes)
      for (const auto k : {std::ptrdiff_t{1}, std::ptrdiff_t{3}, std::ptrdiff_t{17}, std::ptrdiff_t{65}, std::ptrdiff_t{130}}) {
        const int layout = checked++ % 8;  // A, B and C each column- or row-major
        Stored<T> a(m, k, layout & 1, rng), b(k, n, layout & 2, rng), c(m, n, layout & 4, rng), want(m, n, false, rng);
        gemm::multiply(path, View<const T>(a.view), View<const T>(b.view), c.view, scratch);
        triple_loop<T>(a.view, b.view, want.view, path == Path::avx2_fma);
        INFO(gemm::name(path) << " " << m << "x" << k << " times " << k << "x" << n << ", layout " << layout);
        REQUIRE(same_bits(c.view, want.view));
        // Nothing outside C was written.
        for (std::size_t e = 0; e < c.data.size(); ++e) {
          const auto i = static_cast<std::ptrdiff_t>(e);
          const bool inside = (layout & 4) ? (i % c.view.row_stride < n && i / c.view.row_stride < m)
                                           : (i % c.view.col_stride < m && i / c.view.col_stride < n);
          if (!inside) REQUIRE(c.data[e] == T(777));
        }
      }
  // k = 0: C is all zeros; empty C: nothing happens.
  Stored<T> a0(5, 0, false, rng), b0(0, 4, false, rng), c0(5, 4, false, rng);
  gemm::multiply(path, View<const T>(a0.view), View<const T>(b0.view), c0.view, scratch);
  for (std::ptrdiff_t i = 0; i < 5; ++i)
    for (std::ptrdiff_t j = 0; j < 4; ++j) CHECK(c0.view(i, j) == T(0));
  CHECK(checked == 245);
}

void check_path_or_skip(Path path) {
  if (!gemm::runnable(path)) {
    std::cout << "lrlab-test: skipped: this CPU cannot run the " << gemm::name(path) << " path\n";
    return;
  }
  check_path<double>(path);
  check_path<float>(path);
}

}  // namespace

TEST_CASE("gemm: the baseline (SSE2) path equals the triple loop bit for bit", "[gemm]") {
  check_path_or_skip(Path::baseline);
}
TEST_CASE("gemm: the AVX2 path equals the triple loop bit for bit", "[gemm]") { check_path_or_skip(Path::avx2); }
TEST_CASE("gemm: the AVX-512 path equals the triple loop bit for bit", "[gemm]") { check_path_or_skip(Path::avx512); }
TEST_CASE("gemm: the avx2_fma path (bench only) equals the fused triple loop bit for bit", "[gemm]") {
  check_path_or_skip(Path::avx2_fma);
}

TEST_CASE("gemm: shapes that do not agree are refused", "[gemm]") {
  std::vector<double> x(64);
  gemm::Scratch s;
  CHECK_THROWS_AS(gemm::multiply(gemm::column_major<const double>(x.data(), 2, 3), gemm::column_major<const double>(x.data(), 4, 2),
                                 gemm::column_major(x.data() + 32, 2, 2), s),
                  std::invalid_argument);
}

TEST_CASE("gemm: a trial's results are the same bits on every path the CPU runs (LRLAB_GEMM_PATH)", "[gemm][e2e]") {
  using namespace lrlab::test;
  const auto dir = temp_dir("gemm_paths");
  // An MLP with two hidden layers of odd widths (every product has edge blocks), in float64 and in
  // float32, and softmax regression in float32, each with Adam in float64 and in float32.
  const std::string data = std::string(LRLAB_SOURCE_DIR) + "/experiments/data/digits.csv.gz";
  write_file(dir / "spec.json", R"({"name": "gemm_paths", "seed": 5, "task": {"type": "quadratic"},
    "optimizer": {"learning_rate": 0.003}, "schedule": {"type": "cosine_decay", "decay_steps": 120},
    "budget": {"steps": 120}, "evaluate": {"every_steps": 40},
    "grid": {"optimizer.dtype": ["float64", "float32"], "task": [
      {"type": "mlp", "data": ")" + data + R"(", "label_column": -1, "standardize": true, "hidden": [37, 13],
       "batch_size": 29},
      {"type": "mlp", "data": ")" + data + R"(", "label_column": -1, "standardize": true, "hidden": [37, 13],
       "batch_size": 29, "dtype": "float32"},
      {"type": "softmax_regression", "data": ")" + data + R"(", "label_column": -1, "standardize": true,
       "batch_size": 64, "dtype": "float32"}]}})");
  std::string reference;
  int paths = 0;
  for (const Path path : {Path::baseline, Path::avx2, Path::avx512}) {
    if (!gemm::runnable(path)) {
      WARN("this CPU cannot run the " << gemm::name(path) << " path: not compared");
      continue;
    }
    const std::string db = std::string(gemm::name(path)) + ".db";
    const auto r = run_shell("LRLAB_GEMM_PATH=" + std::string(gemm::name(path)) + " " + shell_quote(LRLAB_BIN) +
                                 " run spec.json --quiet --jobs 2 --db " + db,
                             dir);
    INFO(r.out << r.err);
    REQUIRE(r.rc == 0);
    const std::string content = db_content(dir / db);
    CHECK(content.size() > 10000);
    if (reference.empty()) reference = content;
    else CHECK(content == reference);
    ++paths;
  }
  CHECK(paths >= 1);
  // A path the CPU cannot run, or no path at all, is refused before any trial runs.
  const auto bad = run_shell("LRLAB_GEMM_PATH=sse9 " + shell_quote(LRLAB_BIN) + " run spec.json --quiet --db bad.db", dir);
  CHECK(bad.rc != 0);
  CHECK_THAT(bad.err, Catch::Contains("LRLAB_GEMM_PATH=sse9: not a path (baseline, avx2 or avx512)"));
}
