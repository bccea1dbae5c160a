// cosine_decay_restarts: keras.optimizers.schedules.CosineDecayRestarts (SGDR, Loshchilov & Hutter
// 2016), Keras 3 semantics:
//   f = step / first_decay_steps
//   t_mul == 1: i = floor(f), f -= i
//   otherwise:  i = floor(log(1 - f * (1 - t_mul)) / log(t_mul)),
//               f = (f - (1 - t_mul^i) / (1 - t_mul)) / t_mul^i
//   lr = initial * ((1 - alpha) * 0.5 * m_mul^i * (1 + cos(pi * f)) + alpha)
#include <cmath>
#include <numbers>

#include <lrlab/sdk.hpp>

namespace lrlab::cyclical {
namespace {
class CosineDecayRestarts final : public Schedule {
 public:
  CosineDecayRestarts(double initial, double first_decay_steps, double t_mul, double m_mul, double alpha)
      : initial_(initial), first_(first_decay_steps), t_mul_(t_mul), m_mul_(m_mul), alpha_(alpha) {}

  double value(std::int64_t t) const override {
    double f = static_cast<double>(t) / first_;
    double i = 0.0;
    if (t_mul_ == 1.0) {
      i = std::floor(f);
      f -= i;
    } else {
      i = restart_index(f);
      const double sum_r = (1.0 - std::pow(t_mul_, i)) / (1.0 - t_mul_);
      f = (f - sum_r) / std::pow(t_mul_, i);
    }
    const double cosine = 0.5 * std::pow(m_mul_, i) * (1.0 + std::cos(std::numbers::pi * f));
    return initial_ * ((1.0 - alpha_) * cosine + alpha_);
  }

 private:
  // Keras's floor(log(1 - f (1 - t_mul)) / log(t_mul)), then corrected so that the periods before
  // restart i add up to at most f: at an exact restart the quotient of logs can round just below
  // the integer (t_mul = 3, f = 121 gives 4.999...), and Keras would return the end of the old
  // period instead of the start of the new one.
  double restart_index(double f) const {
    double i = std::floor(std::log(1.0 - f * (1.0 - t_mul_)) / std::log(t_mul_));
    auto periods_before = [this](double k) { return (1.0 - std::pow(t_mul_, k)) / (1.0 - t_mul_); };
    while (periods_before(i + 1.0) <= f) i += 1.0;
    while (i > 0.0 && periods_before(i) > f) i -= 1.0;
    return i;
  }
  double initial_, first_, t_mul_, m_mul_, alpha_;
};
}  // namespace

void register_cosine_decay_restarts(Registry& r) {
  r.add_schedule(
      {.name = "cosine_decay_restarts",
       .summary = "cosine decay with warm restarts; each period t_mul times longer and m_mul times higher",
       .formula = "lr(t) = initial_learning_rate * ((1 - alpha) * 0.5 * m_mul^i * (1 + cos(pi * f_i)) + alpha), "
                  "i = the period t falls in (lengths first_decay_steps * t_mul^i), f_i = the fraction of it done",
       .source = "keras.optimizers.schedules.CosineDecayRestarts (SGDR)",
       .notes = "As in Keras, alpha is a fraction of initial_learning_rate and is not scaled by m_mul^i. At an exact "
                "restart step Keras's floor(log(...)/log(t_mul)) can round one period too low (e.g. t_mul = 3 at "
                "step 121 * first_decay_steps) and return the old period's minimum; lrlab corrects the period index, "
                "so every restart starts at its peak. t_mul < 1 (periods that shrink to nothing) is refused.",
       .params = {Param::real("initial_learning_rate", "rate at t = 0; defaults to the optimizer's learning_rate").above(0),
                  Param::real("first_decay_steps", "length of the first period").required().above(0),
                  Param::real("t_mul", "each period is t_mul times longer than the previous one").def(2.0).at_least(1),
                  Param::real("m_mul", "each period starts m_mul times higher than the previous one").def(1.0).at_least(0),
                  Param::real("alpha", "minimum rate as a fraction of initial_learning_rate").def(0.0).at_least(0).at_most(1)},
       .example = Json::parse(R"({"type": "cosine_decay_restarts", "first_decay_steps": 100, "t_mul": 2.0, "m_mul": 0.8,
                   "alpha": 0.01})")},
      [](const Params& p, const ScheduleContext& ctx) -> SchedulePtr {
        return std::make_unique<CosineDecayRestarts>(p.real_or("initial_learning_rate", ctx.base_lr),
                                                     p.real("first_decay_steps"), p.real("t_mul"), p.real("m_mul"),
                                                     p.real("alpha"));
      });
}
}  // namespace lrlab::cyclical
