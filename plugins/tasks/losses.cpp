#include "losses.hpp"

#include <cmath>

namespace lrlab::tasks {
namespace {

// -log softmax(z)_y = logsumexp(z) - z_y; its gradient is softmax(z) - onehot(y). The
// exponentials go straight into the gradient's column (or one reused column when there is no
// gradient), with no allocation per example.
template <typename T>
LossSum softmax_cross_entropy(const Eigen::MatrixX<T>& z, std::span<const int> y, Eigen::MatrixX<T>* dz) {
  LossSum s;
  Eigen::MatrixX<T> scratch;
  Eigen::MatrixX<T>& e = dz ? *dz : scratch;
  e.resize(z.rows(), dz ? z.cols() : 1);
  for (Eigen::Index j = 0; j < z.cols(); ++j) {
    Eigen::Index argmax = 0;
    const T top = z.col(j).maxCoeff(&argmax);
    auto ej = e.col(dz ? j : 0);
    ej = (z.col(j).array() - top).exp().matrix();
    const T total = ej.sum();
    const int label = y[static_cast<std::size_t>(j)];
    s.loss += static_cast<double>(top + std::log(total) - z(label, j));
    if (argmax == label) ++s.correct;
    if (dz) {
      ej /= total;
      (*dz)(label, j) -= T(1);
    }
  }
  return s;
}

// -[y log sigmoid(z) + (1-y) log(1 - sigmoid(z))] = softplus(z) - y z, with
// softplus(z) = max(z, 0) + log1p(exp(-|z|)); its gradient is sigmoid(z) - y.
template <typename T>
LossSum sigmoid_cross_entropy(const Eigen::MatrixX<T>& z, std::span<const int> y, Eigen::MatrixX<T>* dz) {
  LossSum s;
  if (dz) dz->resize(1, z.cols());
  for (Eigen::Index j = 0; j < z.cols(); ++j) {
    const T v = z(0, j);
    const T label = static_cast<T>(y[static_cast<std::size_t>(j)]);
    s.loss += static_cast<double>(std::max(v, T(0)) + std::log1p(std::exp(-std::abs(v))) - label * v);
    if ((v > T(0)) == (label == T(1))) ++s.correct;
    if (dz) {
      const T sigmoid = v >= T(0) ? T(1) / (T(1) + std::exp(-v)) : std::exp(v) / (T(1) + std::exp(v));
      (*dz)(0, j) = sigmoid - label;
    }
  }
  return s;
}

}  // namespace

template <typename T>
LossSum output_loss(OutputLoss kind, const Eigen::MatrixX<T>& logits, std::span<const int> labels, Eigen::MatrixX<T>* dlogits) {
  return kind == OutputLoss::softmax_cross_entropy ? softmax_cross_entropy(logits, labels, dlogits)
                                                   : sigmoid_cross_entropy(logits, labels, dlogits);
}
template LossSum output_loss<double>(OutputLoss, const Eigen::MatrixXd&, std::span<const int>, Eigen::MatrixXd*);
template LossSum output_loss<float>(OutputLoss, const Eigen::MatrixXf&, std::span<const int>, Eigen::MatrixXf*);

}  // namespace lrlab::tasks
