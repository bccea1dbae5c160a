#pragma once
// Adam (Kingma & Ba 2015), as torch.optim.Adam computes it, with the variants lrlab's users meet:
//
//   g  <- grad + weight_decay * x                        (L2, unless decoupled)
//   x  <- x * (1 - lr * weight_decay)                    (decoupled: AdamW, Loshchilov & Hutter 2019)
//   m  <- beta_1 m + (1 - beta_1) g
//   v  <- beta_2 v + (1 - beta_2) g^2
//   v^ <- max(v^, v)                                     (amsgrad, Reddi et al. 2018; else v^ = v)
//   pytorch:  x <- x - lr / (1 - beta_1^k) * m / (sqrt(v^) / sqrt(1 - beta_2^k) + eps)
//   keras:    x <- x - lr * sqrt(1 - beta_2^k) / (1 - beta_1^k) * m / (sqrt(v^) + eps)
//
// with k = t + 1 for update t. The two forms differ only in where eps enters; Keras's default eps
// is 1e-7, PyTorch's 1e-8. When a schedule cycles beta_1 (PyTorch's cycle_momentum), the beta_1 of
// update t is used both for m and for its bias correction, as PyTorch does.
//
// "dtype": "float32" (float64 is the default) makes Adam what it is on float32 variables in Keras
// (its default) or PyTorch: the parameters, m and v are float32 numbers (still held in double
// arrays, which hold them exactly, so checkpoints and restores are unchanged), and every operation
// of the update rounds to float32. Its scalars (the betas, 1 - each beta, eps, the step size
// lr / (1 - beta_1^k), sqrt(1 - beta_2^k)) are computed in double and rounded to float once, as
// PyTorch passes them to its kernels. A gradient
// from a float64 task is rounded to float32 first.
#include <cstdint>
#include <span>
#include <vector>

#include "lrlab/json.hpp"

namespace lrlab {

struct AdamConfig {
  double beta_1 = 0.9;
  double beta_2 = 0.999;
  double epsilon = 1e-8;
  bool amsgrad = false;
  double weight_decay = 0.0;
  bool decoupled_weight_decay = false;
  bool keras_epsilon = false;
  bool float32 = false;  // "dtype": "float32"

  // From a resolved "optimizer" section.
  static AdamConfig from_json(const Json& optimizer);
};

// Adam's per-parameter state; copyable, so policies can restore the best parameters with it.
struct AdamState {
  std::vector<double> m, v, v_max;
  std::int64_t updates = 0;  // k - 1 of the next update
};

class Adam {
 public:
  Adam(const AdamConfig& config, std::size_t dimension);

  // Apply one update to `x` with gradient `grad`, rate `lr` and first-moment decay `beta_1`.
  void step(std::span<double> x, std::span<const double> grad, double lr, double beta_1);
  void step(std::span<double> x, std::span<const double> grad, double lr) { step(x, grad, lr, config_.beta_1); }

  // Round `x` to what the optimizer holds: float32 numbers with dtype float32 (the initial
  // parameters, before the first update), else nothing.
  void round_to_dtype(std::span<double> x) const;

  const AdamConfig& config() const { return config_; }
  const AdamState& state() const { return state_; }
  void set_state(const AdamState& s) { state_ = s; }

 private:
  // 1 - b^k, the bits of 1 - std::pow(b, k), without pow once the power no longer matters (pow is
  // most of the per-step cost of a small model, and slowest when b^k underflows).
  class BiasCorrection {
   public:
    double at(double b, double k);

   private:
    double base_ = -1.0;           // the b exact_one_from_ was computed for
    double exact_one_from_ = 0.0;  // from this k on, 1 - b^k == 1.0 exactly
  };

  AdamConfig config_;
  AdamState state_;
  BiasCorrection bias_correction_1_, bias_correction_2_;
};

}  // namespace lrlab
