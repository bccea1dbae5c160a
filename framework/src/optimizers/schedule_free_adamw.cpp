// The "schedule_free_adamw" optimizer (Defazio et al. 2024): AdamW without a schedule to tune.
#include <algorithm>
#include <cmath>

#include "lrlab/optimizer.hpp"

namespace lrlab {
namespace {

struct ScheduleFreeConfig {
  double beta_1, beta_2, epsilon, weight_decay, r, weight_lr_power;
  std::int64_t warmup_steps;
};

// Three sequences: z (the base steps), x (their weighted average: what is evaluated) and
// y = (1 - beta_1) z + beta_1 x, where the gradient is taken. The trial holds y, so that a task
// computes its gradient where the method needs it; x is what evaluation_point() gives.
class ScheduleFreeAdamW final : public Optimizer {
 public:
  ScheduleFreeAdamW(const ScheduleFreeConfig& c, std::size_t n) : c_(c), z_(n, 0.0), x_(n, 0.0), v_(n, 0.0) {}

  void start(std::span<double> y) override {
    z_.assign(y.begin(), y.end());
    x_.assign(y.begin(), y.end());
  }

  void step(std::span<double> y, std::span<const double> grad, double lr, std::optional<double> cycled) override {
    const double b1 = cycled.value_or(c_.beta_1), b2 = c_.beta_2, eps = c_.epsilon, wd = c_.weight_decay;
    const std::int64_t k = updates_++;
    const double t = static_cast<double>(k + 1);
    const double warmup = k < c_.warmup_steps ? t / static_cast<double>(c_.warmup_steps) : 1.0;
    // gamma_t = lr_t min(1, t / warmup) sqrt(1 - beta_2^t): Adam's bias correction moved into the rate.
    const double gamma = lr * warmup * std::sqrt(1.0 - std::pow(b2, t));
    // Averaging weights: c_{t+1} = w_t / sum_{i<=t} w_i, w_t = t^r max_{i<=t}(gamma_i)^weight_lr_power.
    lr_max_ = std::max(gamma, lr_max_);
    const double weight = std::pow(t, c_.r) * std::pow(lr_max_, c_.weight_lr_power);
    weight_sum_ += weight;
    const double c = weight_sum_ != 0.0 ? weight / weight_sum_ : 0.0;
    for (std::size_t i = 0; i < y.size(); ++i) {
      const double g = grad[i];
      v_[i] = v_[i] * b2 + (1.0 - b2) * g * g;
      const double direction = g / (std::sqrt(v_[i]) + eps) + wd * y[i];  // decay taken at y
      z_[i] = z_[i] - gamma * direction;
      x_[i] = (1.0 - c) * x_[i] + c * z_[i];
      y[i] = (1.0 - b1) * z_[i] + b1 * x_[i];
    }
  }

  std::span<const double> evaluation_point(std::span<const double>) const override { return x_; }

  void persist(StateArchive& a) override { a(z_, x_, v_, lr_max_, weight_sum_, updates_); }

 private:
  ScheduleFreeConfig c_;
  std::vector<double> z_, x_, v_;
  double lr_max_ = -1.0;
  double weight_sum_ = 0.0;
  std::int64_t updates_ = 0;
};

}  // namespace

OptimizerDecl schedule_free_adamw_optimizer() {
  OptimizerDecl d;
  d.doc.name = "schedule_free_adamw";
  d.doc.summary = "schedule-free AdamW: iterate averaging instead of a decaying schedule; evaluated at the average";
  d.doc.formula = "y = (1 - b1) z + b1 x;  g at y;  v = b2 v + (1 - b2) g^2;  gamma_t = lr_t min(1, t / warmup_steps) "
                  "sqrt(1 - b2^t);  z -= gamma_t (g / (sqrt(v) + eps) + weight_decay y);  x = (1 - c) x + c z, "
                  "c = w_t / sum w_i, w_t = t^r max_i(gamma_i)^weight_lr_power";
  d.doc.source = "Defazio et al. 2024, \"The Road Less Scheduled\", Algorithm 1 (AdamW form), with the averaging weights "
                 "of the authors' AdamWScheduleFree (facebookresearch/schedule_free)";
  d.doc.notes = "Gradients are taken at y, the parameters a trial holds; evaluations, test metrics and saved models use "
                "the average x, as the authors' optimizer.eval() does. Meant for a constant rate (the default schedule): "
                "the warmup is its own (warmup_steps). With r 0 and weight_lr_power 2, c_t = gamma_t^2 / sum gamma_i^2 "
                "while the rate only grows, the paper's choice. A schedule that cycles beta_1 sets the interpolation that "
                "forms the next y: the gradient of update t is taken at the y made with the beta_1 of update t - 1, as in "
                "the authors' code.";
  d.doc.params = common_optimizer_params();
  d.doc.params.insert(d.doc.params.end(),
                      {Param::real("beta_1", "interpolation between z and x where the gradient is taken").def(0.9)
                           .at_least(0).below(1),
                       Param::real("beta_2", "decay of the second moment").def(0.999).at_least(0).below(1),
                       Param::real("epsilon", "added to the denominator").def(1e-8).at_least(0),
                       Param::real("weight_decay", "decoupled decay, taken at y").def(0.0).at_least(0),
                       Param::integer("warmup_steps", "linear warm-up of the rate over this many updates").def(0).at_least(0),
                       Param::real("r", "polynomial weighting of the average by t^r").def(0.0).at_least(0),
                       Param::real("weight_lr_power", "the average weights rates by rate^weight_lr_power").def(2.0).at_least(0)});
  d.doc.example = Json{{"optimizer", {{"type", "schedule_free_adamw"}, {"learning_rate", 0.0025}, {"warmup_steps", 100}}}};
  d.make = [](const Json& o, std::size_t n) -> OptimizerPtr {
    return std::make_unique<ScheduleFreeAdamW>(
        ScheduleFreeConfig{o.at("beta_1").get<double>(), o.at("beta_2").get<double>(), o.at("epsilon").get<double>(),
                           o.at("weight_decay").get<double>(), o.at("r").get<double>(), o.at("weight_lr_power").get<double>(),
                           o.at("warmup_steps").get<std::int64_t>()},
        n);
  };
  return d;
}

}  // namespace lrlab
