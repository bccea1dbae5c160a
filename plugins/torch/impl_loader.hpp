#pragma once
// Opens torch_task_impl.so (torch_entry.hpp) on first use, once per process, and returns its
// entry point; throws TaskError saying what is missing when it cannot.
#include <filesystem>

#include "torch_entry.hpp"

namespace lrlab::torch_task {

struct TorchImpl {
  lrlab_torch_make_task_t make_task = nullptr;
  std::filesystem::path file;  // the library opened
};

const TorchImpl& torch_impl();

}  // namespace lrlab::torch_task
