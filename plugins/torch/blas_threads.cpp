#include "blas_threads.hpp"

#include <dlfcn.h>

namespace lrlab::torch_task {
namespace {

struct Blas {
  bool needs_lock = false;
  std::mutex lock;

  Blas() {
    // Already loaded with LibTorch when it is the BLAS in use; RTLD_NOLOAD never loads it.
    void* openblas = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_NOLOAD);
    if (!openblas) return;
    using GetParallel = int (*)();
    using SetThreads = void (*)(int);
    const auto parallel = reinterpret_cast<GetParallel>(dlsym(openblas, "openblas_get_parallel"));
    const auto set_threads = reinterpret_cast<SetThreads>(dlsym(openblas, "openblas_set_num_threads"));
    if (parallel && parallel() == 0)
      needs_lock = true;  // the sequential build: not reentrant
    else if (set_threads)
      set_threads(1);
    dlclose(openblas);  // only drops the reference dlopen took
  }
};

Blas& blas() {
  static Blas b;
  return b;
}

}  // namespace

std::optional<std::unique_lock<std::mutex>> exclusive_blas() {
  Blas& b = blas();
  if (!b.needs_lock) return std::nullopt;
  return std::unique_lock<std::mutex>(b.lock);
}

}  // namespace lrlab::torch_task
