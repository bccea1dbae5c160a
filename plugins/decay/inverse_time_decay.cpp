// inverse_time_decay: keras.optimizers.schedules.InverseTimeDecay, Keras 3 semantics:
//   p = step / decay_steps, floored when staircase;  lr = initial_learning_rate / (1 + decay_rate * p)
#include <cmath>

#include <lrlab/sdk.hpp>

namespace lrlab::decay {
namespace {
class InverseTimeDecay final : public Schedule {
 public:
  InverseTimeDecay(double initial, double decay_steps, double rate, bool staircase)
      : initial_(initial), decay_steps_(decay_steps), rate_(rate), staircase_(staircase) {}
  double value(std::int64_t t) const override {
    double p = static_cast<double>(t) / decay_steps_;
    if (staircase_) p = std::floor(p);
    return initial_ / (1.0 + rate_ * p);
  }

 private:
  double initial_, decay_steps_, rate_;
  bool staircase_;
};
}  // namespace

void register_inverse_time_decay(Registry& r) {
  r.add_schedule(
      {.name = "inverse_time_decay",
       .summary = "1/t decay: the rate divided by 1 + decay_rate * (t / decay_steps)",
       .formula = "lr(t) = initial_learning_rate / (1 + decay_rate * t / decay_steps)   (floor(t / decay_steps) if staircase)",
       .source = "keras.optimizers.schedules.InverseTimeDecay",
       .notes = "decay_steps may be fractional: Keras casts it to a float. With staircase the first drop is at "
                "t = decay_steps.",
       .params = {Param::real("initial_learning_rate", "rate at t = 0; defaults to the optimizer's learning_rate").above(0),
                  Param::real("decay_steps", "steps per unit of decay").required().above(0),
                  Param::real("decay_rate", "how fast the rate falls").required().at_least(0),
                  Param::boolean("staircase", "decay in whole periods (floor)").def(false)},
       .example = Json::parse(R"({"type": "inverse_time_decay", "decay_steps": 100, "decay_rate": 0.5})")},
      [](const Params& p, const ScheduleContext& ctx) -> SchedulePtr {
        return std::make_unique<InverseTimeDecay>(p.real_or("initial_learning_rate", ctx.base_lr), p.real("decay_steps"),
                                                  p.real("decay_rate"), p.boolean("staircase"));
      });
}
}  // namespace lrlab::decay
