// The torch plugin: the torchscript task (torchscript.cpp), built when LibTorch is found.
#include <lrlab/sdk.hpp>

namespace lrlab::torch_task {
LRLAB_PLUGIN_COMPONENTS(torch, "0.1.0", register_torchscript);
}  // namespace lrlab::torch_task
