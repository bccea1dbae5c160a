#include "lrlab/adam.hpp"

#include "lrlab/adam_kernel.hpp"

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

double Adam::BiasCorrection::at(double b, double k) {
  if (b != base_) {
    base_ = b;
    // b^k <= 2^-55 from here on (one step of margin over the rounding of log2): 1 - b^k is then
    // exactly 1.0, as 1 - pow(b, k) would give, and pow's slow underflow path is never taken.
    exact_one_from_ = b == 0.0 ? 1.0 : std::ceil(-55.0 / std::log2(b)) + 1.0;
  }
  return k >= exact_one_from_ ? 1.0 : 1.0 - std::pow(b, k);
}

namespace {
template <typename T, bool Keras, bool AmsGrad>
__attribute__((target_clones("avx2", "default"))) void pass(std::size_t n, T* x, const T* grad, T* m, T* v, T* v_max,
                                                             const AdamScalars<T>& s) {
  adam_update<T, Keras, AmsGrad>(n, x, grad, m, v, v_max, s);
}
}  // namespace

template <typename T>
void adam_pass(bool keras_epsilon, bool amsgrad, std::size_t n, T* x, const T* grad, T* m, T* v, T* v_max,
               const AdamScalars<T>& s) {
  if (keras_epsilon)
    amsgrad ? pass<T, true, true>(n, x, grad, m, v, v_max, s) : pass<T, true, false>(n, x, grad, m, v, v_max, s);
  else
    amsgrad ? pass<T, false, true>(n, x, grad, m, v, v_max, s) : pass<T, false, false>(n, x, grad, m, v, v_max, s);
}
template void adam_pass<double>(bool, bool, std::size_t, double*, const double*, double*, double*, double*,
                                const AdamScalars<double>&);
template void adam_pass<float>(bool, bool, std::size_t, float*, const float*, float*, float*, float*,
                               const AdamScalars<float>&);

void Adam::step(std::span<double> x, std::span<const double> grad, double lr, double beta_1) {
  const double b1 = beta_1, b2 = config_.beta_2, eps = config_.epsilon, wd = config_.weight_decay;
  const double k = static_cast<double>(++state_.updates);
  const double bc1 = bias_correction_1_.at(b1, k);
  const double bc2_sqrt = std::sqrt(bias_correction_2_.at(b2, k));
  const bool l2 = wd != 0.0 && !config_.decoupled_weight_decay;
  const double shrink = (wd != 0.0 && config_.decoupled_weight_decay) ? 1.0 - lr * wd : 1.0;
  const AdamScalars<double> s{lr, b1, b2, eps, wd, l2, shrink, bc1, bc2_sqrt};
  adam_pass<double>(config_.keras_epsilon, config_.amsgrad, x.size(), x.data(), grad.data(), state_.m.data(),
                    state_.v.data(), config_.amsgrad ? state_.v_max.data() : nullptr, s);
}

}  // namespace lrlab
