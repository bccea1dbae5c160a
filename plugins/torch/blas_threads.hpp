#pragma once
// The BLAS LibTorch calls for its matrix products (Debian: whichever libblas.so.3 alternative is
// installed) must run one thread per call, and must be safe to call from several trials at once.
//
//   OpenBLAS, threaded build (libopenblas0-pthread or -openmp; scripts/deps.sh installs the
//     first): safe from several threads; set to one thread per call here, once.
//   OpenBLAS, sequential build (libopenblas0-serial): NOT safe when two threads call it at once
//     (its buffers are shared without locks: concurrent trials corrupt each other's products, as
//     we measured). exclusive() then serialises every trial's torch work through one lock: right,
//     but one step at a time.
//   The reference BLAS (libblas3) and others: single-threaded and reentrant; nothing to do.
#include <mutex>
#include <optional>

namespace lrlab::torch_task {

// Sets the BLAS up (once per process) and returns a lock to hold over a step's forward and
// backward when the BLAS cannot be called concurrently; std::nullopt otherwise.
std::optional<std::unique_lock<std::mutex>> exclusive_blas();

}  // namespace lrlab::torch_task
