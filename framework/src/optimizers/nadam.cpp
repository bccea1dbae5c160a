// The "nadam" optimizer: Adam with Nesterov momentum (Dozat 2016), as torch.optim.NAdam computes it.
#include <cmath>

#include "lrlab/optimizer.hpp"

namespace lrlab {
namespace {

struct NadamConfig {
  double beta_1, beta_2, epsilon, weight_decay, momentum_decay;
  bool torch_1_13;
};

class Nadam final : public Optimizer {
 public:
  Nadam(const NadamConfig& c, std::size_t n) : c_(c), m_(n, 0.0), v_(n, 0.0) {}

  void start(std::span<double>) override {}

  void step(std::span<double> x, std::span<const double> grad, double lr, std::optional<double> cycled) override {
    const double b1 = cycled.value_or(c_.beta_1), b2 = c_.beta_2, eps = c_.epsilon, wd = c_.weight_decay;
    const double k = static_cast<double>(++updates_);
    const double bias_correction_2 = 1.0 - std::pow(b2, k);
    // The momentum schedule mu_t = beta_1 (1 - 0.5 * 0.96^(t psi)), and its products.
    const double mu = b1 * (1.0 - 0.5 * std::pow(0.96, k * c_.momentum_decay));
    const double mu_next = b1 * (1.0 - 0.5 * std::pow(0.96, (k + 1.0) * c_.momentum_decay));
    mu_product_ *= mu;
    const double mu_product_next = c_.torch_1_13 ? mu_product_ * mu * mu_next : mu_product_ * mu_next;
    const double grad_step = -lr * (1.0 - mu) / (1.0 - mu_product_);
    const double momentum_step = -lr * mu_next / (1.0 - mu_product_next);
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double g = wd != 0.0 ? grad[i] + wd * x[i] : grad[i];
      m_[i] = m_[i] * b1 + (1.0 - b1) * g;
      v_[i] = v_[i] * b2 + (1.0 - b2) * g * g;
      const double denom = std::sqrt(v_[i] / bias_correction_2) + eps;
      x[i] = x[i] + grad_step * g / denom;
      x[i] = x[i] + momentum_step * m_[i] / denom;
    }
  }

  void persist(StateArchive& a) override { a(m_, v_, mu_product_, updates_); }

 private:
  NadamConfig c_;
  std::vector<double> m_, v_;
  double mu_product_ = 1.0;
  std::int64_t updates_ = 0;
};

}  // namespace

OptimizerDecl nadam_optimizer() {
  OptimizerDecl d;
  d.doc.name = "nadam";
  d.doc.summary = "NAdam: Adam with Nesterov momentum and a momentum warm-up (torch.optim.NAdam)";
  d.doc.formula = "mu_t = b1 (1 - 0.5 * 0.96^(t momentum_decay));  m, v as Adam;  d = sqrt(v / (1 - b2^t)) + eps;  "
                  "p -= lr_t (1 - mu_t) / (1 - prod_{i<=t} mu_i) g / d + lr_t mu_{t+1} / (1 - prod_{i<=t+1} mu_i) m / d";
  d.doc.source = "Dozat 2016, \"Incorporating Nesterov Momentum into Adam\"; the update of torch.optim.NAdam";
  d.doc.notes = "weight_decay is L2 (added to the gradient), as in PyTorch 1.13. PyTorch 1.13 multiplies mu_t into the "
                "next product twice (mu_product * mu * mu_next); later PyTorch releases and Dozat's formula do not. lrlab follows "
                "the formula; torch_1_13: true gives PyTorch 1.13's numbers.";
  d.doc.params = adam_family_params();
  d.doc.params.insert(d.doc.params.end(),
                      {Param::real("momentum_decay", "psi of the momentum schedule").def(0.004).at_least(0),
                       Param::boolean("torch_1_13", "reproduce PyTorch 1.13's product of momenta (see the notes)").def(false)});
  d.doc.example = Json{{"optimizer", {{"type", "nadam"}, {"learning_rate", 0.002}}}};
  d.make = [](const Json& o, std::size_t n) -> OptimizerPtr {
    return std::make_unique<Nadam>(NadamConfig{o.at("beta_1").get<double>(), o.at("beta_2").get<double>(),
                                               o.at("epsilon").get<double>(), o.at("weight_decay").get<double>(),
                                               o.at("momentum_decay").get<double>(), o.at("torch_1_13").get<bool>()},
                                   n);
  };
  return d;
}

}  // namespace lrlab
