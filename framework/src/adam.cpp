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
  c.float32 = o.value("dtype", "float64") == "float32";
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
// One function per scalar type and variant, each cloned for AVX2 and the baseline (compilers
// multiversion plain functions, not templates).
// (T: arithmetic, S: storage.)
#define LRLAB_ADAM_PASS(NAME, T, S, KERAS, AMSGRAD)                                                      \
  LRLAB_VECTOR_CLONES void NAME(std::size_t n, S* x, const S* grad, S* m, S* v, S* v_max,              \
                                const AdamScalars<T>& s) {                                              \
    adam_update<T, KERAS, AMSGRAD, S>(n, x, grad, m, v, v_max, s);                                       \
  }
LRLAB_ADAM_PASS(pass_f64, double, double, false, false)
LRLAB_ADAM_PASS(pass_f64_amsgrad, double, double, false, true)
LRLAB_ADAM_PASS(pass_f64_keras, double, double, true, false)
LRLAB_ADAM_PASS(pass_f64_keras_amsgrad, double, double, true, true)
LRLAB_ADAM_PASS(pass_f32, float, float, false, false)
LRLAB_ADAM_PASS(pass_f32_amsgrad, float, float, false, true)
LRLAB_ADAM_PASS(pass_f32_keras, float, float, true, false)
LRLAB_ADAM_PASS(pass_f32_keras_amsgrad, float, float, true, true)
LRLAB_ADAM_PASS(pass_f32_in_f64, float, double, false, false)
LRLAB_ADAM_PASS(pass_f32_in_f64_amsgrad, float, double, false, true)
LRLAB_ADAM_PASS(pass_f32_in_f64_keras, float, double, true, false)
LRLAB_ADAM_PASS(pass_f32_in_f64_keras_amsgrad, float, double, true, true)
#undef LRLAB_ADAM_PASS

template <typename T, typename S = T>
using Pass = void (*)(std::size_t, S*, const S*, S*, S*, S*, const AdamScalars<T>&);
// [keras_epsilon][amsgrad]
constexpr Pass<double> passes_f64[2][2] = {{pass_f64, pass_f64_amsgrad}, {pass_f64_keras, pass_f64_keras_amsgrad}};
constexpr Pass<float> passes_f32[2][2] = {{pass_f32, pass_f32_amsgrad}, {pass_f32_keras, pass_f32_keras_amsgrad}};
constexpr Pass<float, double> passes_f32_in_f64[2][2] = {{pass_f32_in_f64, pass_f32_in_f64_amsgrad},
                                                         {pass_f32_in_f64_keras, pass_f32_in_f64_keras_amsgrad}};
}  // namespace

void adam_pass(bool keras_epsilon, bool amsgrad, std::size_t n, double* x, const double* grad, double* m,
                       double* v, double* v_max, const AdamScalars<double>& s) {
  passes_f64[keras_epsilon][amsgrad](n, x, grad, m, v, v_max, s);
}
void adam_pass(bool keras_epsilon, bool amsgrad, std::size_t n, float* x, const float* grad, float* m,
                      float* v, float* v_max, const AdamScalars<float>& s) {
  passes_f32[keras_epsilon][amsgrad](n, x, grad, m, v, v_max, s);
}

void adam_pass(bool keras_epsilon, bool amsgrad, std::size_t n, double* x, const double* grad, double* m,
               double* v, double* v_max, const AdamScalars<float>& s) {
  passes_f32_in_f64[keras_epsilon][amsgrad](n, x, grad, m, v, v_max, s);
}

void Adam::round_to_dtype(std::span<double> x) const {
  if (config_.float32)
    for (double& xi : x) xi = static_cast<float>(xi);
}

void Adam::step(std::span<double> x, std::span<const double> grad, double lr, double beta_1) {
  const double b1 = beta_1, b2 = config_.beta_2, eps = config_.epsilon, wd = config_.weight_decay;
  const double k = static_cast<double>(++state_.updates);
  const double bc1 = bias_correction_1_.at(b1, k);
  const double bc2_sqrt = std::sqrt(bias_correction_2_.at(b2, k));
  const bool l2 = wd != 0.0 && !config_.decoupled_weight_decay;
  const double shrink = (wd != 0.0 && config_.decoupled_weight_decay) ? 1.0 - lr * wd : 1.0;
  double* v_max = config_.amsgrad ? state_.v_max.data() : nullptr;
  const bool keras = config_.keras_epsilon;
  if (config_.float32) {
    const auto s = AdamScalars<float>::from(keras, lr, b1, b2, eps, wd, l2, shrink, bc1, bc2_sqrt);
    adam_pass(keras, config_.amsgrad, x.size(), x.data(), grad.data(), state_.m.data(), state_.v.data(), v_max, s);
    return;
  }
  const auto s = AdamScalars<double>::from(keras, lr, b1, b2, eps, wd, l2, shrink, bc1, bc2_sqrt);
  adam_pass(keras, config_.amsgrad, x.size(), x.data(), grad.data(), state_.m.data(), state_.v.data(), v_max, s);
}

}  // namespace lrlab
