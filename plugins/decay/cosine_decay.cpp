// cosine_decay: keras.optimizers.schedules.CosineDecay, Keras 3 semantics (SGDR without restarts,
// Loshchilov & Hutter 2016, with the optional linear warm-up of Goyal et al. 2017):
//   without warmup_target:  s = min(step, decay_steps)
//                           lr = initial * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decay_steps)) + alpha)
//   with warmup_target:     s = min(step, warmup_steps + decay_steps)
//                           s < warmup_steps: lr = (warmup_target - initial) * s / warmup_steps + initial
//                           otherwise:        lr = warmup_target * decayed(s - warmup_steps)
#include <algorithm>
#include <cmath>
#include <numbers>
#include <optional>

#include <lrlab/sdk.hpp>

namespace lrlab::decay {
namespace {
class CosineDecay final : public Schedule {
 public:
  CosineDecay(double initial, double decay_steps, double alpha, std::optional<double> warmup_target, double warmup_steps)
      : initial_(initial),
        decay_steps_(decay_steps),
        alpha_(alpha),
        warmup_target_(warmup_target),
        warmup_steps_(warmup_steps) {}

  double value(std::int64_t t) const override {
    const double step = static_cast<double>(t);
    if (!warmup_target_) return decay(std::min(step, decay_steps_), initial_);
    const double s = std::min(step, decay_steps_ + warmup_steps_);
    if (s < warmup_steps_) return (*warmup_target_ - initial_) * (s / warmup_steps_) + initial_;
    return decay(s - warmup_steps_, *warmup_target_);
  }

 private:
  // Keras's _decay_function: from `from` down to alpha * from along half a cosine.
  double decay(double s, double from) const {
    const double cosine = 0.5 * (1.0 + std::cos(std::numbers::pi * (s / decay_steps_)));
    return from * ((1.0 - alpha_) * cosine + alpha_);
  }
  double initial_, decay_steps_, alpha_;
  std::optional<double> warmup_target_;
  double warmup_steps_;
};
}  // namespace

void register_cosine_decay(Registry& r) {
  r.add_schedule(
      {.name = "cosine_decay",
       .summary = "half a cosine from the initial rate down to alpha times it, with an optional linear warm-up",
       .formula = "lr(t) = peak * ((1 - alpha) * 0.5 * (1 + cos(pi * min(t', decay_steps) / decay_steps)) + alpha), "
                  "t' = t - warmup_steps, peak = warmup_target (or initial_learning_rate); "
                  "warm-up: initial + (warmup_target - initial) * t / warmup_steps for t < warmup_steps",
       .source = "keras.optimizers.schedules.CosineDecay",
       .notes = "As in Keras 3, warmup_steps is ignored unless warmup_target is given; with warmup_target the rate "
                "climbs linearly from initial_learning_rate to warmup_target over warmup_steps, then decays from "
                "warmup_target to alpha * warmup_target over decay_steps, and stays there.",
       .params = {Param::real("initial_learning_rate", "rate at t = 0; defaults to the optimizer's learning_rate").at_least(0),
                  Param::real("decay_steps", "length of the cosine decay").required().above(0),
                  Param::real("alpha", "final rate as a fraction of the peak").def(0.0).at_least(0).at_most(1),
                  Param::real("warmup_target", "peak rate reached by the warm-up; none: no warm-up").above(0),
                  Param::real("warmup_steps", "length of the warm-up (only with warmup_target)").def(0).at_least(0)},
       .example = Json::parse(R"({"type": "cosine_decay", "decay_steps": 900, "alpha": 0.01, "warmup_target": 0.003,
                   "warmup_steps": 100, "initial_learning_rate": 0.0})")},
      [](const Params& p, const ScheduleContext& ctx) -> SchedulePtr {
        std::optional<double> target;
        if (p.has("warmup_target")) target = p.real("warmup_target");
        return std::make_unique<CosineDecay>(p.real_or("initial_learning_rate", ctx.base_lr), p.real("decay_steps"),
                                             p.real("alpha"), target, p.real("warmup_steps"));
      });
}
}  // namespace lrlab::decay
