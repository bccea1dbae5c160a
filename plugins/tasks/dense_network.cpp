#include "dense_network.hpp"

#include <cmath>

#include <lrlab/random.hpp>

namespace lrlab::tasks {

using ConstVectorMap = Eigen::Map<const Eigen::VectorXd>;
using MatrixMap = Eigen::Map<Eigen::MatrixXd>;
using VectorMap = Eigen::Map<Eigen::VectorXd>;

namespace {

gemm::View<const double> view(const Eigen::Ref<const Eigen::MatrixXd>& m) {
  return gemm::column_major(m.data(), m.rows(), m.cols(), m.outerStride());
}
gemm::View<double> view(Eigen::MatrixXd& m) { return gemm::column_major(m.data(), m.rows(), m.cols()); }
gemm::View<double> view(MatrixMap& m) { return gemm::column_major(m.data(), m.rows(), m.cols()); }

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

const Eigen::MatrixXd& DenseNetwork::forward(std::span<const double> x, const Eigen::Ref<const Eigen::MatrixXd>& input,
                                             Workspace& ws) const {
  const std::size_t depth = layers_.size();
  ws.z.resize(depth);
  ws.a.resize(depth - 1);
  for (std::size_t i = 0; i < depth; ++i) {
    const Layer& l = layers_[i];
    const auto w = gemm::column_major(x.data() + l.weights, l.out, l.in);
    const ConstVectorMap b(x.data() + l.bias, l.out);
    ws.z[i].resize(l.out, input.cols());
    gemm::multiply(w, i == 0 ? view(input) : view(ws.a[i - 1]), view(ws.z[i]), ws.gemm);
    ws.z[i].colwise() += b;
    if (i + 1 < depth) activate(activation_, ws.z[i], ws.a[i]);
  }
  return ws.z.back();
}

void DenseNetwork::backward(std::span<const double> x, const Eigen::Ref<const Eigen::MatrixXd>& input,
                            Eigen::MatrixXd& dlogits, Workspace& ws, std::span<double> grad) const {
  Eigen::MatrixXd* delta = &dlogits;  // d loss / d z of the layer being processed
  for (std::size_t i = layers_.size(); i-- > 0;) {
    const Layer& l = layers_[i];
    MatrixMap gw(grad.data() + l.weights, l.out, l.in);
    VectorMap gb(grad.data() + l.bias, l.out);
    gemm::multiply(view(*delta), (i == 0 ? view(input) : view(ws.a[i - 1])).t(), view(gw), ws.gemm);
    gb = delta->rowwise().sum();
    if (i > 0) {
      const auto w = gemm::column_major(x.data() + l.weights, l.out, l.in);
      ws.back.resize(l.in, delta->cols());
      gemm::multiply(w.t(), view(*delta), view(ws.back), ws.gemm);
      times_derivative(activation_, ws.z[i - 1], ws.a[i - 1], ws.back);
      ws.delta.swap(ws.back);
      delta = &ws.delta;
    }
  }
}

double DenseNetwork::add_l2_penalty(std::span<const double> x, double l2, std::span<double> grad) const {
  if (l2 == 0.0) return 0.0;
  double sum = 0.0;
  for (const Layer& l : layers_) {
    const auto n = l.in * l.out;
    const ConstVectorMap w(x.data() + l.weights, n);
    VectorMap(grad.data() + l.weights, n) += l2 * w;
    sum += w.squaredNorm();
  }
  return 0.5 * l2 * sum;
}

}  // namespace lrlab::tasks
