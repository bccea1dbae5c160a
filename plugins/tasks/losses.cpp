#include "losses.hpp"

#include <cmath>

namespace lrlab::tasks {
namespace {

// -log softmax(z)_y = logsumexp(z) - z_y; its gradient is softmax(z) - onehot(y). The
// exponentials go straight into the gradient's column (or one reused column when there is no
// gradient), with no allocation per example.
LossSum softmax_cross_entropy(const Eigen::MatrixXd& z, std::span<const int> y, Eigen::MatrixXd* dz) {
  LossSum s;
  Eigen::MatrixXd scratch;
  Eigen::MatrixXd& e = dz ? *dz : scratch;
  e.resize(z.rows(), dz ? z.cols() : 1);
  for (Eigen::Index j = 0; j < z.cols(); ++j) {
    Eigen::Index argmax = 0;
    const double top = z.col(j).maxCoeff(&argmax);
    auto ej = e.col(dz ? j : 0);
    ej = (z.col(j).array() - top).exp().matrix();
    const double total = ej.sum();
    const int label = y[static_cast<std::size_t>(j)];
    s.loss += top + std::log(total) - z(label, j);
    if (argmax == label) ++s.correct;
    if (dz) {
      ej /= total;
      (*dz)(label, j) -= 1.0;
    }
  }
  return s;
}

// -[y log sigmoid(z) + (1-y) log(1 - sigmoid(z))] = softplus(z) - y z, with
// softplus(z) = max(z, 0) + log1p(exp(-|z|)); its gradient is sigmoid(z) - y.
LossSum sigmoid_cross_entropy(const Eigen::MatrixXd& z, std::span<const int> y, Eigen::MatrixXd* dz) {
  LossSum s;
  if (dz) dz->resize(1, z.cols());
  for (Eigen::Index j = 0; j < z.cols(); ++j) {
    const double v = z(0, j);
    const double label = y[static_cast<std::size_t>(j)];
    s.loss += std::max(v, 0.0) + std::log1p(std::exp(-std::abs(v))) - label * v;
    if ((v > 0.0) == (label == 1.0)) ++s.correct;
    if (dz) {
      const double sigmoid = v >= 0.0 ? 1.0 / (1.0 + std::exp(-v)) : std::exp(v) / (1.0 + std::exp(v));
      (*dz)(0, j) = sigmoid - label;
    }
  }
  return s;
}

}  // namespace

LossSum output_loss(OutputLoss kind, const Eigen::MatrixXd& logits, std::span<const int> labels, Eigen::MatrixXd* dlogits) {
  return kind == OutputLoss::softmax_cross_entropy ? softmax_cross_entropy(logits, labels, dlogits)
                                                   : sigmoid_cross_entropy(logits, labels, dlogits);
}

}  // namespace lrlab::tasks
