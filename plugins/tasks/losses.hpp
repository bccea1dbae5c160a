#pragma once
// The classifiers' output losses, on logits (outputs x batch), summed over the batch so that
// evaluation can add up chunks; the caller divides by the number of examples.
#include <cstddef>
#include <span>

#include <Eigen/Core>

namespace lrlab::tasks {

enum class OutputLoss {
  softmax_cross_entropy,  // K logits per example, labels 0 .. K-1 (PyTorch nn.CrossEntropyLoss)
  sigmoid_cross_entropy,  // 1 logit per example, labels 0 / 1 (PyTorch nn.BCEWithLogitsLoss)
};

struct LossSum {
  double loss = 0.0;         // sum over the batch of the per-example loss
  std::size_t correct = 0;   // examples whose predicted class is the label
};

// The loss of `logits` against `labels`; with `dlogits`, also d(loss sum)/d(logits) into it.
// Both are computed in a numerically stable form (log-sum-exp, softplus) that does not overflow
// for large logits, in the logits' scalar type (double or float); the sum over the batch is kept
// in double either way.
template <typename T>
LossSum output_loss(OutputLoss kind, const Eigen::MatrixX<T>& logits, std::span<const int> labels, Eigen::MatrixX<T>* dlogits);

}  // namespace lrlab::tasks
