#pragma once
// TorchModel: one trial's instance of a TorchScript model, its trainable parameters living in
// lrlab's flat parameter vector.
//
// Every parameter with requires_grad (each tensor once, however many modules share it) is a view
// into the trial's parameter vector x, in the order named_parameters() lists them; lrlab's Adam
// updates x in place and the next forward sees it, with no copy per step. Gradients arrive the
// same way: each parameter's .grad is a view into the task's gradient buffer, which backward
// accumulates into. That needs the model's dtype to be x's, float64; a float32 model keeps
// parameters of its own, which bind() fills from x before each step and whose gradients it copies
// back (two conversions per step, the price of float32 arithmetic in the model).
//
// Buffers (batch-norm running statistics and counts) are the model's state beside its parameters:
// persist_buffers() puts them in the trial's checkpoint. Parameters without requires_grad are
// constants of the model, as in PyTorch.
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include <torch/script.h>

#include <lrlab/sdk.hpp>

namespace lrlab::torch_task {

class TorchModel {
 public:
  struct Parameter {
    std::string name;  // as named_parameters() names it: "features.0.weight"
    torch::Tensor tensor;
    std::size_t offset = 0;  // where it starts in x
  };

  // Loads the TorchScript module `bytes` (of the file `name`, for messages) and converts it to
  // `dtype`. Throws TaskError when the file is not TorchScript or has no trainable parameter.
  TorchModel(const std::string& bytes, const std::string& name, torch::ScalarType dtype);

  std::size_t dimension() const { return dimension_; }
  const std::vector<Parameter>& parameters() const { return parameters_; }
  torch::ScalarType dtype() const { return dtype_; }

  // The file's parameters (init: "file"), as x holds them. They are copied when the model is
  // loaded: once bound, the parameters are views of whatever x the task last bound.
  const std::vector<double>& file_parameters() const { return file_parameters_; }
  // Parameters (and buffers) drawn from `seed` with PyTorch's default initialisation per layer
  // type (torch_init.cpp), into x (init: "seed"). Throws TaskError for a layer type it does not know.
  void draw_parameters(std::span<double> x, std::uint64_t seed);

  // Makes the parameters read x and the next backward write into grad (zeroed here; empty for an
  // evaluation).
  void bind(std::span<const double> x, std::span<double> grad);
  // After backward: where a gradient did not land in grad (float32, or a parameter the loss does not
  // reach), puts it there.
  void collect_gradients(std::span<double> grad) const;

  // forward(inputs) in training or evaluation mode.
  torch::Tensor forward(const torch::Tensor& inputs, bool training);

  // Whether forward draws random numbers (dropout and the like), which then come from LibTorch's
  // one global generator: the task seeds it per step and holds random_lock() meanwhile.
  bool draws_random_numbers() const { return random_; }
  static std::mutex& random_lock();

  void persist_buffers(StateArchive& a);

  // The module with parameters x (and its buffers now), as a TorchScript file in this model's dtype
  // and in training mode, as torch.jit.script(...).save() writes one.
  void save(std::span<const double> x, std::ostream& out);

 private:
  torch::jit::Module module_;
  torch::ScalarType dtype_;
  std::string name_;
  std::vector<Parameter> parameters_;
  std::vector<std::pair<std::string, torch::Tensor>> buffers_;
  std::size_t dimension_ = 0;
  std::vector<double> file_parameters_;
  const double* bound_x_ = nullptr;
  bool training_ = true;
  bool random_ = false;
};

}  // namespace lrlab::torch_task
