// exponential_decay: keras.optimizers.schedules.ExponentialDecay, Keras 3 semantics:
//   p = step / decay_steps, floored when staircase;  lr = initial_learning_rate * decay_rate^p
#include <cmath>

#include <lrlab/sdk.hpp>

namespace lrlab::decay {
namespace {
class ExponentialDecay final : public Schedule {
 public:
  ExponentialDecay(double initial, double decay_steps, double rate, bool staircase)
      : initial_(initial), decay_steps_(decay_steps), rate_(rate), staircase_(staircase) {}
  double value(std::int64_t t) const override {
    double p = static_cast<double>(t) / decay_steps_;
    if (staircase_) p = std::floor(p);
    return initial_ * std::pow(rate_, p);
  }

 private:
  double initial_, decay_steps_, rate_;
  bool staircase_;
};
}  // namespace

void register_exponential_decay(Registry& r) {
  r.add_schedule(
      {.name = "exponential_decay",
       .summary = "decay by decay_rate every decay_steps, smoothly or in stairs",
       .formula = "lr(t) = initial_learning_rate * decay_rate ^ (t / decay_steps)   (floor(t / decay_steps) if staircase)",
       .source = "keras.optimizers.schedules.ExponentialDecay",
       .notes = "The first update already uses lr(0) = initial_learning_rate; with staircase the first drop is at "
                "t = decay_steps.",
       .params = {Param::real("initial_learning_rate", "rate at t = 0; defaults to the optimizer's learning_rate").above(0),
                  Param::real("decay_steps", "steps per decay period").required().above(0),
                  Param::real("decay_rate", "factor per period").required().above(0),
                  Param::boolean("staircase", "decay in whole periods (floor)").def(false)},
       .example = Json::parse(R"({"type": "exponential_decay", "decay_steps": 1000, "decay_rate": 0.9, "staircase": true})")},
      [](const Params& p, const ScheduleContext& ctx) -> SchedulePtr {
        return std::make_unique<ExponentialDecay>(p.real_or("initial_learning_rate", ctx.base_lr), p.real("decay_steps"),
                                                  p.real("decay_rate"), p.boolean("staircase"));
      });
}
}  // namespace lrlab::decay
