#pragma once
// DenseNetwork: a stack of fully connected layers, z = W a + b, with an activation between them
// and none after the last (its outputs are the logits the loss takes). With no hidden layer it
// is a linear model: softmax and logistic regression are DenseNetworks too.
//
// The parameters live in the flat vector Adam updates, layer after layer: W (out x in,
// column-major) then b (out). The network only maps views onto it, so the forward and backward
// passes are matrix products over the whole batch, with no copies of the weights. The products
// are gemm.hpp's (a fixed summation order: the same bits on every CPU); Eigen holds the buffers
// and does the elementwise work.
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "activation.hpp"
#include "gemm.hpp"

namespace lrlab::tasks {

// Initial weights; biases always start at zero.
enum class Init {
  zeros,   // all zero: the linear models' start (the optimum of a convex loss does not depend on it)
  he,      // N(0, 2 / fan_in): He et al. 2015, PyTorch's kaiming_normal_; made for relu-like units
  glorot,  // U(-a, a), a = sqrt(6 / (fan_in + fan_out)): Glorot & Bengio 2010, Keras's glorot_uniform
};

class DenseNetwork {
 public:
  // What one forward pass leaves behind for the backward pass; owned by the caller (one per
  // trial), so the network itself is immutable and its buffers are reused from step to step.
  struct Workspace {
    std::vector<Eigen::MatrixXd> z;  // pre-activations of each layer (the last: the logits)
    std::vector<Eigen::MatrixXd> a;  // activations of each hidden layer
    Eigen::MatrixXd delta, back;     // gradients flowing backwards
    gemm::Scratch gemm;              // the products' packing buffers
  };

  // widths: the input dimension, each hidden layer's width, the number of outputs.
  DenseNetwork(std::vector<Eigen::Index> widths, Activation activation);

  std::size_t parameter_count() const { return count_; }

  // Fill `x` with initial parameters drawn from Rng(derive_seed(seed, streams::init)).
  void initialize(std::span<double> x, Init init, std::uint64_t seed) const;

  // The logits of the examples in the columns of `input`, at parameters `x`.
  const Eigen::MatrixXd& forward(std::span<const double> x, const Eigen::Ref<const Eigen::MatrixXd>& input,
                                 Workspace& ws) const;

  // After forward() on the same x and input: the gradient with respect to x of a loss whose
  // gradient with respect to the logits is `dlogits` (overwritten on the way), into `grad`.
  void backward(std::span<const double> x, const Eigen::Ref<const Eigen::MatrixXd>& input, Eigen::MatrixXd& dlogits,
                Workspace& ws, std::span<double> grad) const;

  // The L2 penalty (l2 / 2) * sum of squared weights, biases excluded (as Keras's kernel_regularizer
  // and the usual weight decay exclude them); adds its gradient l2 * W to `grad`.
  double add_l2_penalty(std::span<const double> x, double l2, std::span<double> grad) const;

 private:
  struct Layer {
    Eigen::Index in, out;
    std::size_t weights, bias;  // offsets in the parameter vector
  };
  std::vector<Layer> layers_;
  Activation activation_;
  std::size_t count_ = 0;
};

}  // namespace lrlab::tasks
