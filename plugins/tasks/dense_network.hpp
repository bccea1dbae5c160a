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
//
// The passes run in double or in float (the data tasks' "dtype"): the scalar type T of the
// parameters, the inputs and the workspace.
#include <cstdint>
#include <span>
#include <type_traits>
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
  template <typename T>
  struct Workspace {
    std::vector<Eigen::MatrixX<T>> z;  // pre-activations of each layer (the last: the logits)
    std::vector<Eigen::MatrixX<T>> a;  // activations of each hidden layer
    Eigen::MatrixX<T> delta, back;     // gradients flowing backwards
    gemm::Scratch gemm;                // the products' packing buffers
  };

  // widths: the input dimension, each hidden layer's width, the number of outputs.
  DenseNetwork(std::vector<Eigen::Index> widths, Activation activation);

  std::size_t parameter_count() const { return count_; }

  // Fill `x` with initial parameters drawn from Rng(derive_seed(seed, streams::init)).
  void initialize(std::span<double> x, Init init, std::uint64_t seed) const;

  // The logits of the examples in the columns of `input`, at parameters `x`.
  template <typename T>
  const Eigen::MatrixX<T>& forward(std::span<const T> x, const Eigen::Ref<const Eigen::MatrixX<std::type_identity_t<T>>>& input,
                                   Workspace<T>& ws) const;

  // After forward() on the same x and input: the gradient with respect to x of a loss whose
  // gradient with respect to the logits is `dlogits` (overwritten on the way), into `grad`.
  template <typename T>
  void backward(std::span<const T> x, const Eigen::Ref<const Eigen::MatrixX<std::type_identity_t<T>>>& input, Eigen::MatrixX<T>& dlogits,
                Workspace<T>& ws, std::span<T> grad) const;

  // The L2 penalty (l2 / 2) * sum of squared weights, biases excluded (as Keras's kernel_regularizer
  // and the usual weight decay exclude them); adds its gradient l2 * W to `grad`.
  template <typename T>
  double add_l2_penalty(std::span<const T> x, double l2, std::span<T> grad) const;

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
