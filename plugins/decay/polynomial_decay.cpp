// polynomial_decay: keras.optimizers.schedules.PolynomialDecay, following Keras 3's code rather than
// its docstring:
//   without cycle: s = min(step, decay_steps), D = decay_steps
//   with cycle:    s = step, D = decay_steps * (step == 0 ? 1 : ceil(step / decay_steps))
//   lr = (initial_learning_rate - end_learning_rate) * (1 - s / D) ^ power + end_learning_rate
// With cycle, ceil() makes the rate reach end_learning_rate exactly at every multiple of decay_steps
// and jump back up on the next step (the docstring's "first multiple bigger than step" would not).
#include <algorithm>
#include <cmath>

#include <lrlab/sdk.hpp>

namespace lrlab::decay {
namespace {
class PolynomialDecay final : public Schedule {
 public:
  PolynomialDecay(double initial, double decay_steps, double end, double power, bool cycle)
      : initial_(initial), decay_steps_(decay_steps), end_(end), power_(power), cycle_(cycle) {}
  double value(std::int64_t t) const override {
    double step = static_cast<double>(t);
    double period = decay_steps_;
    if (cycle_) {
      // Keras: where(step == 0, 1, ceil(step / decay_steps)), so step 0 is not a zero-length period.
      period *= t == 0 ? 1.0 : std::ceil(step / decay_steps_);
    } else {
      step = std::min(step, decay_steps_);
    }
    return (initial_ - end_) * std::pow(1.0 - step / period, power_) + end_;
  }

 private:
  double initial_, decay_steps_, end_, power_;
  bool cycle_;
};
}  // namespace

void register_polynomial_decay(Registry& r) {
  r.add_schedule(
      {.name = "polynomial_decay",
       .summary = "polynomial decay from initial_learning_rate to end_learning_rate over decay_steps, optionally cycling",
       .formula = "lr(t) = (initial_learning_rate - end_learning_rate) * (1 - min(t, decay_steps) / decay_steps) ^ power "
                  "+ end_learning_rate;  with cycle: decay_steps * ceil(t / decay_steps) instead of min()",
       .source = "keras.optimizers.schedules.PolynomialDecay",
       .notes = "Keras 3's code, not its docstring: with cycle the period is decay_steps * ceil(t / decay_steps) "
                "(1 at t = 0), so the rate equals end_learning_rate exactly at t = k * decay_steps and restarts "
                "high at the next step. Without cycle the rate stays at end_learning_rate after decay_steps.",
       .params = {Param::real("initial_learning_rate", "rate at t = 0; defaults to the optimizer's learning_rate").above(0),
                  Param::real("decay_steps", "steps to go from the initial to the end rate").required().above(0),
                  Param::real("end_learning_rate", "the rate at the end of the decay").def(0.0001).at_least(0),
                  Param::real("power", "power of the polynomial (1 = linear)").def(1.0).at_least(0),
                  Param::boolean("cycle", "restart the decay at every multiple of decay_steps").def(false)},
       .example = Json::parse(R"({"type": "polynomial_decay", "decay_steps": 500, "end_learning_rate": 0.00001, "power": 2})")},
      [](const Params& p, const ScheduleContext& ctx) -> SchedulePtr {
        return std::make_unique<PolynomialDecay>(p.real_or("initial_learning_rate", ctx.base_lr), p.real("decay_steps"),
                                                 p.real("end_learning_rate"), p.real("power"), p.boolean("cycle"));
      });
}
}  // namespace lrlab::decay
