#include "dense_network.hpp"

#include <cmath>

#include <lrlab/random.hpp>

namespace lrlab::tasks {

namespace {

template <typename T>
gemm::View<const T> view(const Eigen::Ref<const Eigen::MatrixX<T>>& m) {
  return gemm::column_major(m.data(), m.rows(), m.cols(), m.outerStride());
}
template <typename T>
gemm::View<T> view(Eigen::MatrixX<T>& m) {
  return gemm::column_major(m.data(), m.rows(), m.cols());
}

}  // namespace

DenseNetwork::DenseNetwork(std::vector<Eigen::Index> widths, Activation activation) : activation_(activation) {
  for (std::size_t l = 0; l + 1 < widths.size(); ++l) {
    Layer layer{widths[l], widths[l + 1], count_, count_ + static_cast<std::size_t>(widths[l] * widths[l + 1])};
    count_ = layer.bias + static_cast<std::size_t>(layer.out);
    layers_.push_back(layer);
  }
}

void DenseNetwork::initialize(std::span<double> x, Init init, std::uint64_t seed) const {
  std::fill(x.begin(), x.end(), 0.0);
  if (init == Init::zeros) return;
  Rng rng(derive_seed(seed, streams::init));
  for (const Layer& l : layers_) {
    const auto fan_in = static_cast<double>(l.in), fan_out = static_cast<double>(l.out);
    double* w = x.data() + l.weights;
    const auto n = static_cast<std::size_t>(l.in * l.out);
    if (init == Init::he) {
      const double sd = std::sqrt(2.0 / fan_in);
      for (std::size_t i = 0; i < n; ++i) w[i] = sd * rng.normal();
    } else {
      const double a = std::sqrt(6.0 / (fan_in + fan_out));
      for (std::size_t i = 0; i < n; ++i) w[i] = a * (2.0 * rng.uniform() - 1.0);
    }
  }
}

template <typename T>
const Eigen::MatrixX<T>& DenseNetwork::forward(std::span<const T> x, const Eigen::Ref<const Eigen::MatrixX<std::type_identity_t<T>>>& input,
                                               Workspace<T>& ws) const {
  const std::size_t depth = layers_.size();
  ws.z.resize(depth);
  ws.a.resize(depth - 1);
  for (std::size_t i = 0; i < depth; ++i) {
    const Layer& l = layers_[i];
    const auto w = gemm::column_major(x.data() + l.weights, l.out, l.in);
    const Eigen::Map<const Eigen::VectorX<T>> b(x.data() + l.bias, l.out);
    ws.z[i].resize(l.out, input.cols());
    gemm::multiply(w, i == 0 ? view<T>(input) : gemm::View<const T>(view(ws.a[i - 1])), view(ws.z[i]), ws.gemm);
    ws.z[i].colwise() += b;
    if (i + 1 < depth) activate(activation_, ws.z[i], ws.a[i]);
  }
  return ws.z.back();
}

template <typename T>
void DenseNetwork::backward(std::span<const T> x, const Eigen::Ref<const Eigen::MatrixX<std::type_identity_t<T>>>& input,
                            Eigen::MatrixX<T>& dlogits, Workspace<T>& ws, std::span<T> grad) const {
  Eigen::MatrixX<T>* delta = &dlogits;  // d loss / d z of the layer being processed
  for (std::size_t i = layers_.size(); i-- > 0;) {
    const Layer& l = layers_[i];
    const auto gw = gemm::column_major(grad.data() + l.weights, l.out, l.in);
    Eigen::Map<Eigen::VectorX<T>> gb(grad.data() + l.bias, l.out);
    const gemm::View<const T> in = i == 0 ? view<T>(input) : gemm::View<const T>(view(ws.a[i - 1]));
    gemm::multiply(gemm::View<const T>(view(*delta)), in.t(), gw, ws.gemm);
    gb = delta->rowwise().sum();
    if (i > 0) {
      const auto w = gemm::column_major(x.data() + l.weights, l.out, l.in);
      ws.back.resize(l.in, delta->cols());
      gemm::multiply(w.t(), gemm::View<const T>(view(*delta)), view(ws.back), ws.gemm);
      times_derivative(activation_, ws.z[i - 1], ws.a[i - 1], ws.back);
      ws.delta.swap(ws.back);
      delta = &ws.delta;
    }
  }
}

template <typename T>
double DenseNetwork::add_l2_penalty(std::span<const T> x, double l2, std::span<T> grad) const {
  if (l2 == 0.0) return 0.0;
  const T l2_t = static_cast<T>(l2);
  T sum = 0;
  for (const Layer& l : layers_) {
    const auto n = l.in * l.out;
    const Eigen::Map<const Eigen::VectorX<T>> w(x.data() + l.weights, n);
    Eigen::Map<Eigen::VectorX<T>>(grad.data() + l.weights, n) += l2_t * w;
    sum += w.squaredNorm();
  }
  return static_cast<double>(T(0.5) * l2_t * sum);
}

template const Eigen::MatrixXd& DenseNetwork::forward(std::span<const double>, const Eigen::Ref<const Eigen::MatrixXd>&,
                                                      Workspace<double>&) const;
template const Eigen::MatrixXf& DenseNetwork::forward(std::span<const float>, const Eigen::Ref<const Eigen::MatrixXf>&,
                                                      Workspace<float>&) const;
template void DenseNetwork::backward(std::span<const double>, const Eigen::Ref<const Eigen::MatrixXd>&, Eigen::MatrixXd&,
                                     Workspace<double>&, std::span<double>) const;
template void DenseNetwork::backward(std::span<const float>, const Eigen::Ref<const Eigen::MatrixXf>&, Eigen::MatrixXf&,
                                     Workspace<float>&, std::span<float>) const;
template double DenseNetwork::add_l2_penalty(std::span<const double>, double, std::span<double>) const;
template double DenseNetwork::add_l2_penalty(std::span<const float>, double, std::span<float>) const;

}  // namespace lrlab::tasks
