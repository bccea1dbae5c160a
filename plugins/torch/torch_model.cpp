#include "torch_model.hpp"

#include <algorithm>
#include <cstring>
#include <set>
#include <sstream>

#include <ATen/Parallel.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/inliner.h>

#include "torch_error.hpp"

namespace lrlab::torch_task {
namespace {

// Operators that draw from LibTorch's global generator.
bool is_random(const std::string& op) {
  static const std::set<std::string> ops{
      "aten::bernoulli", "aten::bernoulli_", "aten::rand", "aten::randn", "aten::randint", "aten::rand_like",
      "aten::randn_like", "aten::randint_like", "aten::randperm", "aten::multinomial", "aten::normal", "aten::normal_",
      "aten::uniform_", "aten::rrelu", "aten::rrelu_", "aten::rrelu_with_noise", "aten::poisson", "aten::exponential_",
      "aten::geometric_", "aten::cauchy_", "aten::log_normal_", "aten::random_"};
  return ops.count(op) > 0 || op.find("dropout") != std::string::npos;
}

bool block_draws(const torch::jit::Block* block) {
  for (const torch::jit::Node* node : block->nodes()) {
    if (is_random(node->kind().toQualString())) return true;
    for (const torch::jit::Block* inner : node->blocks())
      if (block_draws(inner)) return true;
  }
  return false;
}

// Every method with the methods and functions it calls inlined (nn.Dropout's forward calls
// torch.nn.functional.dropout, a function of its own in the graph).
bool module_draws(const torch::jit::Module& m) {
  for (const auto& method : m.get_methods()) {
    const std::shared_ptr<torch::jit::Graph> graph = method.graph()->copy();
    torch::jit::Inline(*graph);
    if (block_draws(graph->block())) return true;
  }
  return false;
}

// Sets the intra-op thread count of the calling thread to one, once: trials are lrlab's
// parallelism, and one thread per trial is what makes a trial's numbers independent of --jobs.
// (OpenMP's thread count is per thread, so each worker thread sets its own.)
void one_thread() {
  thread_local bool set = false;
  if (!set) at::set_num_threads(1), set = true;
}

}  // namespace

TorchModel::TorchModel(const std::string& bytes, const std::string& name, torch::ScalarType dtype)
    : dtype_(dtype), name_(name) {
  one_thread();
  try {
    std::istringstream in(bytes);
    module_ = torch::jit::load(in);
  } catch (const std::exception& e) {
    throw TaskError(name + ": not a TorchScript model (torch.jit.load failed: " + torch_message(e) +
                    "); save one with torch.jit.script(model).save(\"" + name + "\") (torch.save(model) and "
                    "torch.save(model.state_dict()) write pickles, not TorchScript)");
  }
  if (!module_.find_method("forward"))
    throw TaskError(name + ": the TorchScript module has no forward method");
  module_.to(dtype);
  std::set<const void*> seen;  // a tensor shared by two modules is one parameter
  for (const auto& p : module_.named_parameters(/*recurse=*/true)) {
    if (!p.value.requires_grad() || !seen.insert(p.value.unsafeGetTensorImpl()).second) continue;
    parameters_.push_back({p.name, p.value, dimension_});
    dimension_ += static_cast<std::size_t>(p.value.numel());
  }
  if (dimension_ == 0)
    throw TaskError(name + ": the model has no trainable parameter (none with requires_grad): there is nothing for Adam to train");
  file_parameters_.resize(dimension_);
  torch::NoGradGuard no_grad;
  for (const Parameter& p : parameters_)
    torch::from_blob(file_parameters_.data() + p.offset, p.tensor.sizes(), torch::kFloat64).copy_(p.tensor.detach());
  for (const auto& b : module_.named_buffers(/*recurse=*/true)) buffers_.emplace_back(b.name, b.value);
  random_ = module_draws(module_);
}

std::mutex& TorchModel::random_lock() {
  static std::mutex m;
  return m;
}


void TorchModel::bind(std::span<const double> x, std::span<double> grad) {
  one_thread();
  torch::NoGradGuard no_grad;
  std::fill(grad.begin(), grad.end(), 0.0);
  const auto options = torch::TensorOptions().dtype(torch::kFloat64);
  for (Parameter& p : parameters_) {
    double* at = const_cast<double*>(x.data()) + p.offset;  // the model reads it; lrlab's Adam writes it
    if (dtype_ == torch::kFloat64) {
      if (bound_x_ != x.data()) p.tensor.set_data(torch::from_blob(at, p.tensor.sizes(), options));
      p.tensor.mutable_grad() =
          grad.empty() ? torch::Tensor() : torch::from_blob(grad.data() + p.offset, p.tensor.sizes(), options);
    } else {
      p.tensor.copy_(torch::from_blob(at, p.tensor.sizes(), options));
      p.tensor.mutable_grad() = torch::Tensor();
    }
  }
  if (dtype_ == torch::kFloat64) bound_x_ = x.data();
}

void TorchModel::collect_gradients(std::span<double> grad) const {
  torch::NoGradGuard no_grad;
  for (const Parameter& p : parameters_) {
    const torch::Tensor& g = p.tensor.grad();
    double* to = grad.data() + p.offset;
    if (!g.defined() || g.data_ptr() == static_cast<void*>(to)) continue;  // no gradient: stays 0; in place: there
    torch::from_blob(to, p.tensor.sizes(), torch::kFloat64).copy_(g);
  }
}

torch::Tensor TorchModel::forward(const torch::Tensor& inputs, bool training) {
  one_thread();
  if (training != training_) module_.train(training), training_ = training;
  const c10::IValue out = module_.forward({inputs});
  if (!out.isTensor())
    throw TaskError(name_ + ": forward returned a " + out.tagKind() + "; lrlab needs one tensor of outputs per example");
  return out.toTensor();
}

void TorchModel::persist_buffers(StateArchive& a) {
  torch::NoGradGuard no_grad;
  for (auto& [name, b] : buffers_) {
    std::string bytes;
    if (!a.is_loading()) {
      const torch::Tensor c = b.contiguous();
      bytes.assign(static_cast<const char*>(c.data_ptr()), c.nbytes());
    }
    a(bytes);
    if (!a.is_loading()) continue;
    if (bytes.size() != b.nbytes())
      throw std::runtime_error("the checkpoint's buffer " + name + " has " + std::to_string(bytes.size()) +
                               " bytes, the model's " + std::to_string(b.nbytes()));
    torch::Tensor c = b.contiguous();
    std::memcpy(c.data_ptr(), bytes.data(), bytes.size());
    if (!c.is_same(b)) b.copy_(c);
  }
}

void TorchModel::save(std::span<const double> x, std::ostream& out) {
  bind(x, {});
  if (!training_) module_.train(true), training_ = true;
  module_.save(out);
}

}  // namespace lrlab::torch_task
