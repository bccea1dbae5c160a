#include "impl_loader.hpp"

#include <dlfcn.h>

#include <mutex>

namespace lrlab::torch_task {
namespace {

// The folder of the library this code is in: the plugin's (or, linked into a binary, the binary's).
std::filesystem::path own_folder() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&own_folder), &info) == 0 || !info.dli_fname) return {};
  return std::filesystem::path(info.dli_fname).parent_path();
}

TorchImpl open_impl() {
  const std::filesystem::path here = own_folder();
  std::string tried;
  // Beside the plugin; or, for the plugin linked into a test binary, the build's plugin folder.
  for (const std::filesystem::path& file : {here / LRLAB_TORCH_IMPL_FILE, here / "plugins" / LRLAB_TORCH_IMPL_FILE,
                                            std::filesystem::path(LRLAB_TORCH_IMPL_BUILD_DIR) / LRLAB_TORCH_IMPL_FILE}) {
    tried += (tried.empty() ? "" : ", ") + file.string();
    if (!std::filesystem::exists(file)) continue;
    // Never closed: the tasks it makes, and LibTorch's own state, live until the process ends.
    void* lib = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib) throw TaskError(std::string("cannot load the torch plugin's implementation: ") + dlerror());
    auto make = reinterpret_cast<lrlab_torch_make_task_t>(dlsym(lib, "lrlab_torch_make_task"));
    if (!make) throw TaskError(file.string() + " has no entry point lrlab_torch_make_task: rebuild lrlab");
    return {make, file};
  }
  throw TaskError("the torch plugin's implementation " LRLAB_TORCH_IMPL_FILE " is not beside the plugin (looked for " +
                  tried + "): rebuild or reinstall lrlab with LibTorch");
}

}  // namespace

const TorchImpl& torch_impl() {
  // A failure is not kept: the next task asks again and gets the same message.
  static std::mutex m;
  static std::optional<TorchImpl> impl;
  std::lock_guard lock(m);
  if (!impl) impl = open_impl();
  return *impl;
}

}  // namespace lrlab::torch_task
