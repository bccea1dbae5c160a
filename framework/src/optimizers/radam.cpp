// The "radam" optimizer: rectified Adam (Liu et al. 2019), as torch.optim.RAdam computes it.
#include <cmath>

#include "lrlab/optimizer.hpp"

namespace lrlab {
namespace {

struct RadamConfig {
  double beta_1, beta_2, epsilon, weight_decay;
};

class Radam final : public Optimizer {
 public:
  Radam(const RadamConfig& c, std::size_t n) : c_(c), m_(n, 0.0), v_(n, 0.0) {}

  void start(std::span<double>) override {}

  void step(std::span<double> x, std::span<const double> grad, double lr, std::optional<double> cycled) override {
    const double b1 = cycled.value_or(c_.beta_1), b2 = c_.beta_2, eps = c_.epsilon, wd = c_.weight_decay;
    const double k = static_cast<double>(++updates_);
    const double bias_correction_1 = 1.0 - std::pow(b1, k);
    const double bias_correction_2 = 1.0 - std::pow(b2, k);
    // rho: the length of the simple moving average the second moment approximates; below 5 its
    // variance is not finite and the step is plain momentum.
    const double rho_inf = 2.0 / (1.0 - b2) - 1.0;
    const double rho = rho_inf - 2.0 * k * std::pow(b2, k) / bias_correction_2;
    const bool rectified = rho > 5.0;
    const double rect = rectified ? std::sqrt((rho - 4.0) * (rho - 2.0) * rho_inf / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho)) : 0.0;
    const double sqrt_bc2 = std::sqrt(bias_correction_2);
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double g = wd != 0.0 ? grad[i] + wd * x[i] : grad[i];
      m_[i] = m_[i] * b1 + (1.0 - b1) * g;
      v_[i] = v_[i] * b2 + (1.0 - b2) * g * g;
      const double m_hat = m_[i] / bias_correction_1;
      if (rectified) {
        // As PyTorch evaluates `float / tensor`: the reciprocal, times the float.
        const double adaptive = 1.0 / (std::sqrt(v_[i]) + eps) * sqrt_bc2;
        x[i] = x[i] - m_hat * lr * adaptive * rect;
      } else {
        x[i] = x[i] - m_hat * lr;
      }
    }
  }

  void persist(StateArchive& a) override { a(m_, v_, updates_); }

 private:
  RadamConfig c_;
  std::vector<double> m_, v_;
  std::int64_t updates_ = 0;
};

}  // namespace

OptimizerDecl radam_optimizer() {
  OptimizerDecl d;
  d.doc.name = "radam";
  d.doc.summary = "RAdam: Adam with the variance of its adaptive rate rectified, momentum SGD while it is undefined";
  d.doc.formula = "rho_inf = 2 / (1 - b2) - 1;  rho_t = rho_inf - 2 t b2^t / (1 - b2^t);  m^ = m / (1 - b1^t);  "
                  "rho_t > 5: p -= lr_t m^ r_t sqrt(1 - b2^t) / (sqrt(v) + eps), r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / "
                  "((rho_inf - 4)(rho_inf - 2) rho_t));  else p -= lr_t m^";
  d.doc.source = "Liu et al. 2019, \"On the Variance of the Adaptive Learning Rate and Beyond\"; the update of "
                 "torch.optim.RAdam";
  d.doc.notes = "weight_decay is L2 (added to the gradient), as in PyTorch 1.13. With beta_2 0.999 the first five "
                "updates are un-rectified momentum steps.";
  d.doc.params = adam_family_params();
  d.doc.example = Json{{"optimizer", {{"type", "radam"}, {"learning_rate", 0.001}}}};
  d.make = [](const Json& o, std::size_t n) -> OptimizerPtr {
    return std::make_unique<Radam>(RadamConfig{o.at("beta_1").get<double>(), o.at("beta_2").get<double>(),
                                               o.at("epsilon").get<double>(), o.at("weight_decay").get<double>()},
                                   n);
  };
  return d;
}

}  // namespace lrlab
