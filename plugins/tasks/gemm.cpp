#include "gemm.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "gemm_paths.hpp"

namespace lrlab::tasks::gemm {
namespace {

Path widest_runnable() {
  if (runnable(Path::avx512)) return Path::avx512;
  if (runnable(Path::avx2)) return Path::avx2;
  return Path::baseline;
}

Path from_environment() {
  const char* value = std::getenv("LRLAB_GEMM_PATH");
  if (!value || !*value) return widest_runnable();
  const std::string wanted = value;
  for (const Path p : {Path::baseline, Path::avx2, Path::avx512}) {
    if (wanted != name(p)) continue;
    if (!runnable(p)) throw std::runtime_error("LRLAB_GEMM_PATH=" + wanted + ": this CPU cannot run the " + wanted + " path");
    return p;
  }
  throw std::runtime_error("LRLAB_GEMM_PATH=" + wanted + ": not a path (baseline, avx2 or avx512)");
}

template <typename T>
std::vector<T>& a_buffer(Scratch& s) {
  if constexpr (sizeof(T) == 8) return s.a64;
  else return s.a32;
}
template <typename T>
std::vector<T>& b_buffer(Scratch& s) {
  if constexpr (sizeof(T) == 8) return s.b64;
  else return s.b32;
}

// The path's kernel on C = A B, in the orientation that pads fewer lanes: C' = B' A' computes the
// same sums (each product a * b equals b * a exactly, and the order over k is unchanged).
template <typename T, typename Kernel>
void run(const Blocking& blocking, Kernel kernel, View<const T> a, View<const T> b, View<T> c, Scratch& s) {
  const std::ptrdiff_t mr = blocking.mr<T>(), nr = blocking.nr<T>();
  const auto padded = [&](std::ptrdiff_t m, std::ptrdiff_t n) { return (m + mr - 1) / mr * mr * ((n + nr - 1) / nr * nr); };
  if (padded(c.cols, c.rows) < padded(c.rows, c.cols)) {
    const View<const T> bt = b.t();
    b = a.t();
    a = bt;
    c = c.t();
  }
  const std::ptrdiff_t k = a.cols;
  // Grown to the largest product once, never shrunk: no allocation per step. The panels start on
  // a cache line, so that no vector load of them straddles two.
  const auto aligned = [](std::vector<T>& buffer, std::size_t count) {
    constexpr std::size_t line = 64 / sizeof(T);
    buffer.resize(std::max(buffer.size(), count + line));
    const auto misalignment = reinterpret_cast<std::uintptr_t>(buffer.data()) % 64 / sizeof(T);
    return buffer.data() + (misalignment ? line - misalignment : 0);
  };
  T* ap = aligned(a_buffer<T>(s), static_cast<std::size_t>((c.rows + mr - 1) / mr * mr * k));
  T* bp = aligned(b_buffer<T>(s), static_cast<std::size_t>(nr * k));
  kernel(a, b, c, ap, bp);
}

template <typename T>
void dispatch(Path path, View<const T> a, View<const T> b, View<T> c, Scratch& s) {
  if (a.rows != c.rows || b.cols != c.cols || a.cols != b.rows)
    throw std::invalid_argument("gemm: shapes do not agree: (" + std::to_string(a.rows) + " x " + std::to_string(a.cols) +
                                ") (" + std::to_string(b.rows) + " x " + std::to_string(b.cols) + ") into (" +
                                std::to_string(c.rows) + " x " + std::to_string(c.cols) + ")");
  if (!runnable(path)) throw std::runtime_error("gemm: this CPU cannot run the " + std::string(name(path)) + " path");
  if (c.rows == 0 || c.cols == 0) return;
  if (a.cols == 0) {
    for (std::ptrdiff_t j = 0; j < c.cols; ++j)
      for (std::ptrdiff_t i = 0; i < c.rows; ++i) c(i, j) = T(0);
    return;
  }
  using Kernel = void (*)(const View<const T>&, const View<const T>&, const View<T>&, T*, T*);
  switch (path) {
    case Path::baseline: return run<T>(baseline::blocking, static_cast<Kernel>(&baseline::multiply), a, b, c, s);
    case Path::avx2: return run<T>(avx2::blocking, static_cast<Kernel>(&avx2::multiply), a, b, c, s);
    case Path::avx512: return run<T>(avx512::blocking, static_cast<Kernel>(&avx512::multiply), a, b, c, s);
    case Path::avx2_fma: return run<T>(avx2_fma::blocking, static_cast<Kernel>(&avx2_fma::multiply), a, b, c, s);
  }
}

}  // namespace

std::string_view name(Path path) {
  switch (path) {
    case Path::baseline: return "baseline";
    case Path::avx2: return "avx2";
    case Path::avx512: return "avx512";
    case Path::avx2_fma: return "avx2_fma";
  }
  return "?";
}

bool runnable(Path path) {
#if defined(__x86_64__) && defined(LRLAB_GEMM_X86_PATHS)
  switch (path) {
    case Path::baseline: return true;
    case Path::avx2: return __builtin_cpu_supports("avx2");
    case Path::avx512: return __builtin_cpu_supports("avx512f");
    case Path::avx2_fma: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }
  return false;
#else
  return path == Path::baseline;  // the other files are compiled for this architecture's baseline
#endif
}

Path chosen() {
  static const Path path = from_environment();
  return path;
}

void multiply(View<const double> a, View<const double> b, View<double> c, Scratch& s) { dispatch(chosen(), a, b, c, s); }
void multiply(View<const float> a, View<const float> b, View<float> c, Scratch& s) { dispatch(chosen(), a, b, c, s); }
void multiply(Path path, View<const double> a, View<const double> b, View<double> c, Scratch& s) {
  dispatch(path, a, b, c, s);
}
void multiply(Path path, View<const float> a, View<const float> b, View<float> c, Scratch& s) {
  dispatch(path, a, b, c, s);
}

}  // namespace lrlab::tasks::gemm
