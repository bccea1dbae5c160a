// noisy_quadratic: the noisy quadratic model (NQM) of Zhang et al. 2019, "Which Algorithmic
// Choices Matter at Which Batch Sizes? Insights From a Noisy Quadratic Model" (NeurIPS), §3:
//
//   L(θ) = 1/2 Σ_i h_i θ_i²,  h_i = 1/i  (i = 1..d; the paper takes d = 10^4),
//   a minibatch gradient is  g = H θ + ξ,  ξ ~ N(0, C / B),  C = H  (diagonal, co-diagonal with H),
//
// so the noise shrinks with the batch size B the way minibatch noise does, and is largest along
// the sharp directions. The model reproduces how the best learning rate and the benefit of decay
// change with B, which is what lrlab studies.
//
// The loss reported at a step is the one whose gradient that step uses, ℓ_t(θ) = L(θ) + ξ_t·θ,
// an unbiased estimate of L (E ℓ_t = L), as a minibatch loss is. val_loss is the exact L(θ).
// ξ_t comes from Rng(derive_seed(derive_seed(seed, streams::noise), t)): a function of the trial
// seed and the step alone, so the same step always sees the same noise.
#include <cmath>

#include <Eigen/Core>

#include <lrlab/sdk.hpp>

namespace lrlab::tasks {
namespace {

class NoisyQuadratic final : public Task {
 public:
  NoisyQuadratic(std::size_t dimension, double batch_size, double initial, std::int64_t spe, std::uint64_t seed)
      : h_(dimension), noise_sd_(dimension), xi_(dimension), initial_(initial), spe_(spe),
        noise_seed_(derive_seed(seed, streams::noise)) {
    for (std::size_t i = 0; i < dimension; ++i) {
      h_[static_cast<Eigen::Index>(i)] = 1.0 / static_cast<double>(i + 1);
      noise_sd_[static_cast<Eigen::Index>(i)] = std::sqrt(h_[static_cast<Eigen::Index>(i)] / batch_size);
    }
  }

  std::size_t dimension() const override { return static_cast<std::size_t>(h_.size()); }
  std::int64_t steps_per_epoch() const override { return spe_; }
  void initialize(std::span<double> x) override { std::fill(x.begin(), x.end(), initial_); }

  double loss_and_gradient(std::int64_t step, std::span<const double> x, std::span<double> grad) override {
    Rng rng(derive_seed(noise_seed_, static_cast<std::uint64_t>(step)));
    for (Eigen::Index i = 0; i < xi_.size(); ++i) xi_[i] = noise_sd_[i] * rng.normal();
    const auto theta = view(x);
    Eigen::Map<Eigen::VectorXd>(grad.data(), h_.size()) = h_.cwiseProduct(theta) + xi_;
    return loss(theta) + xi_.dot(theta);
  }

  Metrics evaluate(std::span<const double> x) override {
    Metrics m;
    m.set("val_loss", loss(view(x)));
    return m;
  }
  std::vector<std::string> metrics() const override { return {"val_loss"}; }
  // No persist(): the noise of step t is a function of the seed and t, and xi_ is scratch,
  // overwritten at every step.

 private:
  Eigen::Map<const Eigen::VectorXd> view(std::span<const double> x) const {
    return Eigen::Map<const Eigen::VectorXd>(x.data(), h_.size());
  }
  double loss(const Eigen::Map<const Eigen::VectorXd>& theta) const {
    return 0.5 * h_.dot(theta.cwiseAbs2());
  }

  Eigen::VectorXd h_, noise_sd_, xi_;
  double initial_;
  std::int64_t spe_;
  std::uint64_t noise_seed_;
};

}  // namespace

void register_noisy_quadratic(Registry& r) {
  r.add_task({.name = "noisy_quadratic",
              .summary = "the noisy quadratic model: curvatures 1/i, gradient noise covariance H / batch_size",
              .formula = "L(theta) = 1/2 sum_i theta_i^2 / i;  g = H theta + xi, xi_i ~ N(0, h_i / B);  "
                         "train loss L(theta) + xi . theta;  val_loss = L(theta)",
              .source = "Zhang, Li, Nado, Martens, Sachdeva, Dahl, Shallue, Grosse (2019), \"Which Algorithmic Choices "
                        "Matter at Which Batch Sizes? Insights From a Noisy Quadratic Model\", NeurIPS, section 3",
              .notes = "The optimum is theta = 0 with L = 0. There is no data: `batch_size` only sets the noise level, and "
                       "`steps_per_epoch` what an epoch means. The paper uses dimension 10^4.",
              .params = {Param::integer("dimension", "number of parameters d; h_i = 1/i for i = 1..d").def(10000).at_least(1),
                         Param::real("batch_size", "B: the gradient noise covariance is H / B").def(1).above(0),
                         Param::real("initial", "theta_i at step 0, the same in every coordinate").def(1.0),
                         Param::integer("steps_per_epoch", "updates per epoch (there is no data)").def(100).at_least(1)},
              .example = Json::parse(R"({"type": "noisy_quadratic", "dimension": 10000, "batch_size": 128})")},
             [](const Params& p, const TaskContext& ctx) -> TaskPtr {
               return std::make_unique<NoisyQuadratic>(static_cast<std::size_t>(p.integer("dimension")),
                                                       p.real("batch_size"), p.real("initial"),
                                                       p.integer("steps_per_epoch"), ctx.seed);
             });
}

}  // namespace lrlab::tasks
