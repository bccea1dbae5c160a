#include "lrlab/adam.hpp"

#include <algorithm>
#include <cmath>

namespace lrlab {

AdamConfig AdamConfig::from_json(const Json& o) {
  AdamConfig c;
  c.beta_1 = o.at("beta_1").get<double>();
  c.beta_2 = o.at("beta_2").get<double>();
  c.epsilon = o.at("epsilon").get<double>();
  c.amsgrad = o.at("amsgrad").get<bool>();
  c.weight_decay = o.at("weight_decay").get<double>();
  c.decoupled_weight_decay = o.at("decoupled_weight_decay").get<bool>();
  c.keras_epsilon = o.at("epsilon_mode").get<std::string>() == "keras";
  return c;
}

Adam::Adam(const AdamConfig& config, std::size_t n) : config_(config) {
  state_.m.assign(n, 0.0);
  state_.v.assign(n, 0.0);
  if (config.amsgrad) state_.v_max.assign(n, 0.0);
}

namespace {
// The update loop, specialised at compile time so that each variant is one branch-free pass over
// memory (the loop is bandwidth-bound and vectorises).
template <bool Keras, bool AmsGrad>
void update(std::size_t n, double* __restrict x, const double* __restrict grad, double* __restrict m,
            double* __restrict v, double* __restrict v_max, double lr, double b1, double b2, double eps, double wd,
            bool l2, double shrink, double bc1, double bc2_sqrt) {
  const double step_size = Keras ? lr * bc2_sqrt / bc1 : lr / bc1;
  for (std::size_t i = 0; i < n; ++i) {
    const double g = l2 ? grad[i] + wd * x[i] : grad[i];
    const double mi = b1 * m[i] + (1.0 - b1) * g;
    const double vi = b2 * v[i] + (1.0 - b2) * g * g;
    m[i] = mi;
    v[i] = vi;
    double vh = vi;
    if constexpr (AmsGrad) {
      vh = std::max(v_max[i], vi);
      v_max[i] = vh;
    }
    // PyTorch: denom = sqrt(v) / sqrt(bc2) + eps (a division, as torch does, for the same bits).
    const double denom = Keras ? std::sqrt(vh) + eps : std::sqrt(vh) / bc2_sqrt + eps;
    x[i] = x[i] * shrink - step_size * mi / denom;
  }
}
}  // namespace

void Adam::step(std::span<double> x, std::span<const double> grad, double lr, double beta_1) {
  const double b1 = beta_1, b2 = config_.beta_2, eps = config_.epsilon, wd = config_.weight_decay;
  const double k = static_cast<double>(++state_.updates);
  const double bc1 = 1.0 - std::pow(b1, k);
  const double bc2_sqrt = std::sqrt(1.0 - std::pow(b2, k));
  const bool l2 = wd != 0.0 && !config_.decoupled_weight_decay;
  const double shrink = (wd != 0.0 && config_.decoupled_weight_decay) ? 1.0 - lr * wd : 1.0;
  auto* vmax = config_.amsgrad ? state_.v_max.data() : nullptr;
  auto run = [&](auto kernel) {
    kernel(x.size(), x.data(), grad.data(), state_.m.data(), state_.v.data(), vmax, lr, b1, b2, eps, wd, l2, shrink,
           bc1, bc2_sqrt);
  };
  if (config_.keras_epsilon)
    config_.amsgrad ? run(update<true, true>) : run(update<true, false>);
  else
    config_.amsgrad ? run(update<false, true>) : run(update<false, false>);
}

}  // namespace lrlab
