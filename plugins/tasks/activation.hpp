#pragma once
// Hidden-layer activations and their derivatives, applied elementwise to a layer's
// pre-activations Z (units x batch).
#include <cmath>
#include <numbers>
#include <string>

#include <Eigen/Core>

namespace lrlab::tasks {

enum class Activation { relu, tanh, gelu };

inline Activation activation_from_string(const std::string& s) {
  if (s == "tanh") return Activation::tanh;
  if (s == "gelu") return Activation::gelu;
  return Activation::relu;
}

// A = f(Z).
// gelu is the exact form z * Phi(z) of Hendrycks & Gimpel (2016), PyTorch's nn.GELU() default
// (approximate='none'), not the tanh approximation.
inline void activate(Activation f, const Eigen::MatrixXd& z, Eigen::MatrixXd& a) {
  switch (f) {
    case Activation::relu: a = z.cwiseMax(0.0); break;
    case Activation::tanh: a = z.array().tanh().matrix(); break;
    case Activation::gelu:
      a = z.unaryExpr([](double v) { return 0.5 * v * (1.0 + std::erf(v * std::numbers::sqrt2 / 2.0)); });
      break;
  }
}

// D := D .* f'(Z), given Z and A = f(Z): backpropagation through the activation.
// relu'(0) is taken as 0, as PyTorch and TensorFlow do.
inline void times_derivative(Activation f, const Eigen::MatrixXd& z, const Eigen::MatrixXd& a, Eigen::MatrixXd& d) {
  switch (f) {
    case Activation::relu: d.array() *= (z.array() > 0.0).cast<double>(); break;
    case Activation::tanh: d.array() *= 1.0 - a.array().square(); break;
    case Activation::gelu: {
      // d/dz [z Phi(z)] = Phi(z) + z phi(z)
      const double inv_sqrt_2pi = std::numbers::inv_sqrtpi / std::numbers::sqrt2;
      d.array() *= z.unaryExpr([inv_sqrt_2pi](double v) {
                      return 0.5 * (1.0 + std::erf(v * std::numbers::sqrt2 / 2.0)) + v * inv_sqrt_2pi * std::exp(-0.5 * v * v);
                    }).array();
      break;
    }
  }
}

}  // namespace lrlab::tasks
