#pragma once
// Hidden-layer activations and their derivatives, applied elementwise to a layer's
// pre-activations Z (units x batch), in the matrices' own scalar type (double or float).
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
template <typename T>
void activate(Activation f, const Eigen::MatrixX<T>& z, Eigen::MatrixX<T>& a) {
  switch (f) {
    case Activation::relu: a = z.cwiseMax(T(0)); break;
    case Activation::tanh: a = z.array().tanh().matrix(); break;
    case Activation::gelu:
      a = z.unaryExpr([](T v) { return T(0.5) * v * (T(1) + std::erf(v * std::numbers::sqrt2_v<T> / T(2))); });
      break;
  }
}

// D := D .* f'(Z), given Z and A = f(Z): backpropagation through the activation.
// relu'(0) is taken as 0, as PyTorch and TensorFlow do.
template <typename T>
void times_derivative(Activation f, const Eigen::MatrixX<T>& z, const Eigen::MatrixX<T>& a, Eigen::MatrixX<T>& d) {
  switch (f) {
    case Activation::relu: d.array() *= (z.array() > T(0)).template cast<T>(); break;
    case Activation::tanh: d.array() *= T(1) - a.array().square(); break;
    case Activation::gelu: {
      // d/dz [z Phi(z)] = Phi(z) + z phi(z)
      const T inv_sqrt_2pi = std::numbers::inv_sqrtpi_v<T> / std::numbers::sqrt2_v<T>;
      d.array() *= z.unaryExpr([inv_sqrt_2pi](T v) {
                      return T(0.5) * (T(1) + std::erf(v * std::numbers::sqrt2_v<T> / T(2))) +
                             v * inv_sqrt_2pi * std::exp(T(-0.5) * v * v);
                    }).array();
      break;
    }
  }
}

}  // namespace lrlab::tasks
