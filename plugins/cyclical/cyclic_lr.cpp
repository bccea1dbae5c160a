// cyclic_lr: torch.optim.lr_scheduler.CyclicLR (Smith 2017, "Cyclical Learning Rates for Training
// Neural Networks"), PyTorch's formula (its get_lr is already a closed form):
//   cycle = floor(1 + t / (up + down)),  x = 1 + t / (up + down) - cycle
//   s = x / r if x <= r else (x - 1) / (r - 1),  r = up / (up + down)
//   lr = base_lr + (max_lr - base_lr) * s * scale,   beta_1 = max_momentum - (max_momentum - base_momentum) * s * scale
//   scale: triangular 1, triangular2 1 / 2^(cycle - 1), exp_range gamma^t
#include <cmath>
#include <string>
#include <utility>

#include <lrlab/sdk.hpp>

namespace lrlab::cyclical {
namespace {
enum class Mode { triangular, triangular2, exp_range };

struct Momentum {
  bool cycle;
  double base, max;
};

class CyclicLR final : public Schedule {
 public:
  CyclicLR(double base_lr, double max_lr, double up, double down, Mode mode, double gamma, Momentum momentum)
      : base_lr_(base_lr),
        max_lr_(max_lr),
        total_size_(up + down),
        step_ratio_(up / (up + down)),
        mode_(mode),
        gamma_(gamma),
        momentum_(momentum) {}

  double value(std::int64_t t) const override {
    const auto [s, scale] = position(t);
    return base_lr_ + (max_lr_ - base_lr_) * s * scale;
  }

  std::optional<double> beta_1(std::int64_t t) const override {
    if (!momentum_.cycle) return std::nullopt;
    const auto [s, scale] = position(t);
    return momentum_.max - (momentum_.max - momentum_.base) * s * scale;
  }

 private:
  // Where t is in its cycle (s: 0 at the bottom, 1 at the top) and the amplitude scale, with
  // PyTorch's operations in PyTorch's order so that the numbers agree to the last bit.
  std::pair<double, double> position(std::int64_t t) const {
    const double step = static_cast<double>(t);
    const double cycle = std::floor(1.0 + step / total_size_);
    const double x = 1.0 + step / total_size_ - cycle;
    const double s = x <= step_ratio_ ? x / step_ratio_ : (x - 1.0) / (step_ratio_ - 1.0);
    switch (mode_) {
      case Mode::triangular: return {s, 1.0};
      case Mode::triangular2: return {s, 1.0 / std::pow(2.0, cycle - 1.0)};
      case Mode::exp_range: return {s, std::pow(gamma_, step)};
    }
    return {s, 1.0};
  }
  double base_lr_, max_lr_, total_size_, step_ratio_;
  Mode mode_;
  double gamma_;
  Momentum momentum_;
};

Mode parse_mode(const std::string& m) {
  if (m == "triangular2") return Mode::triangular2;
  if (m == "exp_range") return Mode::exp_range;
  return Mode::triangular;
}
}  // namespace

void register_cyclic_lr(Registry& r) {
  r.add_schedule(
      {.name = "cyclic_lr",
       .summary = "triangular cycles between base_lr and max_lr (cyclical learning rates), optionally cycling beta_1",
       .formula = "lr(t) = base_lr + (max_lr - base_lr) * s(t) * scale, s rising 0 -> 1 over step_size_up and falling "
                  "back over step_size_down; scale = 1 (triangular), 1/2^(cycle-1) (triangular2), gamma^t (exp_range)",
       .source = "torch.optim.lr_scheduler.CyclicLR",
       .notes = "base_lr defaults to the optimizer's learning_rate. As PyTorch (2.0 and later) does with Adam, "
                "cycle_momentum (on by default, as in PyTorch) cycles the optimizer's momentum (beta_1 of adam, nadam, radam "
                "and schedule_free_adamw; sgd's momentum, whatever the spec gives it) inversely to the rate, from "
                "max_momentum at the bottom of a cycle to base_momentum at its top; set it to false to keep the "
                "optimizer's own. The beta_1 "
                "of every step is recorded. scale_mode is fixed by the mode as in PyTorch (cycle for triangular and "
                "triangular2, iterations for exp_range): giving another value is an error rather than being ignored.",
       .params = {Param::real("base_lr", "lower rate of the cycle; defaults to the optimizer's learning_rate").above(0),
                  Param::real("max_lr", "upper rate of the cycle (>= base_lr)").required().above(0),
                  Param::integer("step_size_up", "steps from base_lr up to max_lr").def(2000).above(0),
                  Param::integer("step_size_down", "steps from max_lr back down; defaults to step_size_up").at_least(0),
                  Param::string("mode", "amplitude policy").def("triangular").one_of({"triangular", "triangular2", "exp_range"}),
                  Param::real("gamma", "exp_range: amplitude factor per step (<= 1, or the rate grows without bound)").def(1.0).above(0).at_most(1),
                  Param::string("scale_mode", "what the amplitude policy counts; fixed by mode").one_of({"cycle", "iterations"}),
                  Param::boolean("cycle_momentum", "cycle the optimizer's beta_1 (sgd: momentum) inversely to the rate").def(true),
                  Param::real("base_momentum", "beta_1 at the top of a cycle").def(0.8).at_least(0).below(1),
                  Param::real("max_momentum", "beta_1 at the bottom of a cycle").def(0.9).at_least(0).below(1)},
       .example = Json::parse(R"({"type": "cyclic_lr", "base_lr": 0.0001, "max_lr": 0.003, "step_size_up": 100,
                   "mode": "triangular2", "cycle_momentum": false})")},
      [](const Params& p, const ScheduleContext& ctx) -> SchedulePtr {
        const double base_lr = p.real_or("base_lr", ctx.base_lr);
        const double max_lr = p.real("max_lr");
        if (max_lr < base_lr)
          throw ParamError("max_lr", "Argument `max_lr` must be >= base_lr (" + Json(base_lr).dump() +
                                         "). Received: max_lr=" + p.raw("max_lr").dump());
        const Mode mode = parse_mode(p.string("mode"));
        const std::string implied = mode == Mode::exp_range ? "iterations" : "cycle";
        if (p.has("scale_mode") && p.string("scale_mode") != implied)
          throw ParamError("scale_mode", "Argument `scale_mode` must be \"" + implied + "\" with mode \"" + p.string("mode") +
                                             "\" (PyTorch ignores it for the built-in modes). Received: scale_mode=" +
                                             p.raw("scale_mode").dump());
        const Momentum momentum{p.boolean("cycle_momentum"), p.real("base_momentum"), p.real("max_momentum")};
        if (momentum.cycle && momentum.base > momentum.max)
          throw ParamError("base_momentum", "Argument `base_momentum` must be <= max_momentum (" + p.raw("max_momentum").dump() +
                                                "). Received: base_momentum=" + p.raw("base_momentum").dump());
        const auto up = static_cast<double>(p.integer("step_size_up"));
        const auto down = p.has("step_size_down") ? static_cast<double>(p.integer("step_size_down")) : up;
        return std::make_unique<CyclicLR>(base_lr, max_lr, up, down, mode, p.real("gamma"), momentum);
      });
}
}  // namespace lrlab::cyclical
