#pragma once
// The seam between the torch plugin's two libraries.
//
// lrlab_torch.so is the plugin lrlab loads at start-up, like any other: it declares the
// torchscript task and its parameters and links nothing of LibTorch, so every lrlab command starts
// as fast as before. LibTorch (a library of over 100 MB whose loading takes about a second) is
// linked into torch_task_impl.so beside it, which the plugin opens the first time a torchscript
// task is built (impl_loader.cpp) and which makes the task through this one C entry point.
#include <lrlab/sdk.hpp>

// The file name of the implementation library, in the plugin's own folder.
#define LRLAB_TORCH_IMPL_FILE "torch_task_impl.so"

// Builds a torchscript task from its declared parameters (the same Params the plugin's factory
// received); the caller owns the result. Throws ParamError and TaskError as any factory does.
extern "C" __attribute__((visibility("default"))) lrlab::Task* lrlab_torch_make_task(const lrlab::Params& params,
                                                                                   const lrlab::TaskContext& ctx);
using lrlab_torch_make_task_t = decltype(&lrlab_torch_make_task);
