// TorchModel::draw_parameters: init "seed", PyTorch's default initialisation of each layer type
// (its reset_parameters()), drawn from lrlab's generator so that repeats differ and every machine
// draws the same numbers:
//
//   Linear, Conv*d, ConvTranspose*d, Bilinear   weight and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in))
//                                               (kaiming_uniform_ with a = sqrt(5); fan_in =
//                                               weight.size(1) * kernel elements)
//   Embedding, EmbeddingBag                     N(0, 1); the padding_idx row 0
//   LayerNorm, GroupNorm, BatchNorm*d,          weight 1, bias 0; running_mean 0, running_var 1,
//   InstanceNorm*d                              num_batches_tracked 0
//   MultiheadAttention                          in_proj_weight (q/k/v_proj_weight) xavier_uniform_,
//                                               in_proj_bias 0, out_proj.bias 0, bias_k and
//                                               bias_v xavier_normal_
//   RNN, LSTM, GRU and their cells              every weight and bias U(-1/sqrt(hidden_size), ...)
//
// Parameter i (in x's order) draws from Rng(derive_seed(derive_seed(seed, streams::init), i)), so a
// parameter's values do not depend on how many numbers the others drew. A module type not listed
// here that holds trainable parameters of its own is refused: its initialisation is its author's
// choice, which init "file" keeps.
#include <cmath>
#include <map>

#include "torch_model.hpp"

namespace lrlab::torch_task {
namespace {

// The class name of a TorchScript module type: "__torch__.torch.nn.modules.linear.Linear" (or a
// mangled "...linear.___torch_mangle_3.Linear") gives "Linear"; "" for a class outside torch.nn.
std::string torch_nn_class(const torch::jit::Module& m) {
  const std::string q = m.type()->name() ? m.type()->name()->qualifiedName() : std::string();
  if (q.rfind("__torch__.torch.nn.", 0) != 0) return {};
  return q.substr(q.rfind('.') + 1);
}

std::int64_t fan_in(const torch::Tensor& w) {
  std::int64_t receptive = 1;
  for (std::int64_t d = 2; d < w.dim(); ++d) receptive *= w.size(d);
  return w.dim() >= 2 ? w.size(1) * receptive : w.numel();
}
std::int64_t fan_out(const torch::Tensor& w) {
  std::int64_t receptive = 1;
  for (std::int64_t d = 2; d < w.dim(); ++d) receptive *= w.size(d);
  return w.size(0) * receptive;
}

enum class Draw { uniform, normal, constant };
struct Rule {
  Draw draw = Draw::constant;
  double scale = 0.0;  // uniform: the bound; normal: the standard deviation; constant: the value
};

}  // namespace

void TorchModel::draw_parameters(std::span<double> x, std::uint64_t seed) {
  std::map<const void*, const Parameter*> by_tensor;
  for (const Parameter& p : parameters_) by_tensor[p.tensor.unsafeGetTensorImpl()] = &p;
  std::map<const Parameter*, Rule> rules;
  const auto set = [&](const torch::jit::Module& m, const std::string& param, Rule rule) {
    if (!m.hasattr(param) || !m.attr(param).isTensor()) return;
    const auto it = by_tensor.find(m.attr(param).toTensor().unsafeGetTensorImpl());
    if (it != by_tensor.end()) rules[it->second] = rule;
  };
  torch::NoGradGuard no_grad;
  // Parents after children: MultiheadAttention zeroes its out_proj's bias after the Linear drew it.
  std::vector<torch::jit::NameModule> modules;
  for (const auto& m : module_.named_modules()) modules.push_back(m);
  for (auto it = modules.rbegin(); it != modules.rend(); ++it) {
    const torch::jit::Module& m = it->value;
    const std::string cls = torch_nn_class(m);
    const auto weight = [&](const char* n) { return m.attr(n).toTensor(); };
    if (cls == "Linear" || cls == "NonDynamicallyQuantizableLinear" || cls == "Bilinear" || cls.rfind("Conv", 0) == 0) {
      const double bound = 1.0 / std::sqrt(static_cast<double>(std::max<std::int64_t>(1, fan_in(weight("weight")))));
      set(m, "weight", {Draw::uniform, bound});
      set(m, "bias", {Draw::uniform, bound});
    } else if (cls == "Embedding" || cls == "EmbeddingBag") {
      set(m, "weight", {Draw::normal, 1.0});
    } else if (cls == "LayerNorm" || cls == "GroupNorm" || cls.rfind("BatchNorm", 0) == 0 || cls.rfind("InstanceNorm", 0) == 0) {
      set(m, "weight", {Draw::constant, 1.0});
      set(m, "bias", {Draw::constant, 0.0});
      for (const char* b : {"running_mean", "num_batches_tracked"})
        if (m.hasattr(b) && m.attr(b).isTensor()) m.attr(b).toTensor().zero_();
      if (m.hasattr("running_var") && m.attr("running_var").isTensor()) m.attr("running_var").toTensor().fill_(1.0);
    } else if (cls == "MultiheadAttention") {
      for (const char* w : {"in_proj_weight", "q_proj_weight", "k_proj_weight", "v_proj_weight"})
        if (m.hasattr(w) && m.attr(w).isTensor()) {
          const torch::Tensor t = weight(w);
          set(m, w, {Draw::uniform, std::sqrt(6.0 / static_cast<double>(fan_in(t) + fan_out(t)))});
        }
      set(m, "in_proj_bias", {Draw::constant, 0.0});
      for (const char* b : {"bias_k", "bias_v"})
        if (m.hasattr(b) && m.attr(b).isTensor()) {
          const torch::Tensor t = weight(b);
          set(m, b, {Draw::normal, std::sqrt(2.0 / static_cast<double>(fan_in(t) + fan_out(t)))});
        }
      if (m.hasattr("out_proj")) set(m.attr("out_proj").toModule(), "bias", {Draw::constant, 0.0});
    } else if (cls == "RNN" || cls == "LSTM" || cls == "GRU" || cls == "RNNCell" || cls == "LSTMCell" || cls == "GRUCell") {
      const double bound = 1.0 / std::sqrt(static_cast<double>(m.attr("hidden_size").toInt()));
      for (const auto& p : m.named_parameters(/*recurse=*/false)) set(m, p.name, {Draw::uniform, bound});
    } else {
      for (const auto& p : m.named_parameters(/*recurse=*/false)) {
        if (!p.value.requires_grad()) continue;
        const std::string type = m.type()->name() ? m.type()->name()->qualifiedName() : "?";
        throw TaskError(name_ + ": init \"seed\" does not know how to initialise parameter \"" + p.name + "\" of module \"" +
                        (it->name.empty() ? std::string("(the model)") : it->name) + "\" (" + type +
                        "); it draws torch.nn's Linear, Conv, Embedding, norm, MultiheadAttention and recurrent layers. "
                        "Use init \"file\" to start from the file's weights");
      }
    }
  }
  for (const Parameter& p : parameters_) {
    const auto found = rules.find(&p);
    if (found == rules.end())
      throw TaskError(name_ + ": init \"seed\" found no rule for parameter \"" + p.name + "\"");
    const Rule r = found->second;
    Rng rng(derive_seed(derive_seed(seed, streams::init), static_cast<std::uint64_t>(&p - parameters_.data())));
    const auto n = static_cast<std::size_t>(p.tensor.numel());
    for (std::size_t i = 0; i < n; ++i) {
      double v = r.scale;
      if (r.draw == Draw::uniform) v = (2.0 * rng.uniform() - 1.0) * r.scale;
      if (r.draw == Draw::normal) v = rng.normal() * r.scale;
      x[p.offset + i] = v;
    }
  }
  // nn.Embedding's padding row is zero after the draw.
  for (const auto& named : module_.named_modules()) {
    const torch::jit::Module& m = named.value;
    if (torch_nn_class(m) != "Embedding" || !m.hasattr("padding_idx") || !m.attr("padding_idx").isInt()) continue;
    const auto it = by_tensor.find(m.attr("weight").toTensor().unsafeGetTensorImpl());
    if (it == by_tensor.end()) continue;
    const torch::Tensor& w = it->second->tensor;
    std::int64_t row = m.attr("padding_idx").toInt();
    if (row < 0) row += w.size(0);
    const std::int64_t width = w.numel() / w.size(0);
    std::fill_n(x.begin() + static_cast<std::ptrdiff_t>(it->second->offset + static_cast<std::size_t>(row * width)), width, 0.0);
  }
}

}  // namespace lrlab::torch_task
