// wsd: warmup-stable-decay (Hägele et al. 2024, "Scaling Laws and Compute-Optimal Training Beyond
// Fixed Training Durations"; Hu et al. 2024, MiniCPM): a linear warm-up, the peak rate held
// constant, and a cooldown over the last steps of the run. With peak = the optimizer's rate,
// T the budget (total_steps) and D the cooldown's length (decay_steps, or decay_fraction x T):
//   t < warmup_steps:       peak * t / warmup_steps             (lrlab's warmup convention: 0 at t = 0)
//   t < T - D:              peak
//   otherwise, s = (t - (T - D)) / D, capped at 1:
//                           peak * (final_factor + (1 - final_factor) * shape(s))
//   shape: linear 1 - s;  cosine (1 + cos(pi s)) / 2;  1-sqrt 1 - sqrt(s)
// Up to the cooldown the rate does not depend on T: runs of several budgets share their first
// T - D updates bit for bit, which is what lets one constant-rate run serve several budgets.
#include <cmath>
#include <numbers>

#include <lrlab/sdk.hpp>

namespace lrlab::decay {
namespace {
enum class Shape { linear, cosine, one_minus_sqrt };

class Wsd final : public Schedule {
 public:
  Wsd(double peak, std::int64_t warmup, std::int64_t decay_start, std::int64_t decay_steps, Shape shape, double final_factor)
      : peak_(peak), warmup_(warmup), decay_start_(decay_start), decay_steps_(decay_steps), shape_(shape),
        final_(final_factor) {}

  double value(std::int64_t t) const override {
    if (t < warmup_) return peak_ * (static_cast<double>(t) / static_cast<double>(warmup_));
    if (t < decay_start_) return peak_;
    const double s = std::min(1.0, static_cast<double>(t - decay_start_) / static_cast<double>(decay_steps_));
    return peak_ * (final_ + (1.0 - final_) * shape(s));
  }

 private:
  double shape(double s) const {
    switch (shape_) {
      case Shape::linear: return 1.0 - s;
      case Shape::cosine: return 0.5 * (1.0 + std::cos(std::numbers::pi * s));
      case Shape::one_minus_sqrt: return 1.0 - std::sqrt(s);
    }
    return 0.0;
  }
  double peak_;
  std::int64_t warmup_, decay_start_, decay_steps_;
  Shape shape_;
  double final_;
};
}  // namespace

void register_wsd(Registry& r) {
  r.add_schedule(
      {.name = "wsd",
       .summary = "warmup-stable-decay: linear warm-up, the peak rate held, a cooldown over the last steps",
       .formula = "peak * t / warmup_steps (t < warmup_steps); peak until T - D; then peak * (final_factor + "
                  "(1 - final_factor) * shape(s)), s = (t - T + D) / D, shape linear 1 - s | cosine (1 + cos(pi s)) / 2 | "
                  "1-sqrt 1 - sqrt(s); T = total_steps, D = decay_steps or round(decay_fraction * T)",
       .source = "Hägele et al. 2024, \"Scaling Laws and Compute-Optimal Training Beyond Fixed Training Durations\" "
                 "(cooldown shapes, 20% default); Hu et al. 2024 (MiniCPM, the WSD name)",
       .notes = "peak is the optimizer's learning_rate. T defaults to the trial's budget. Up to T - D the rate does not "
                "depend on T: trials of several budgets agree there bit for bit. The last update runs at "
                "peak * (final_factor + (1 - final_factor) * shape((D - 1) / D)), not exactly at the final rate; a "
                "cooldown needs 2 steps at least. Inside a combinator (warmup, sequential) T is still the whole "
                "budget, while the wrapped schedule's clock starts later: give total_steps there. With \"unit\": "
                "\"epoch\" the warm-up counts epochs (the first epoch runs at rate 0 with warmup_steps 1).",
       .params = {Param::integer("warmup_steps", "length of the linear warm-up from 0").def(0).at_least(0),
                  Param::real("decay_fraction", "the cooldown's share of total_steps (unless decay_steps is given)")
                      .def(0.2).above(0).at_most(1),
                  Param::integer("decay_steps", "the cooldown's length in steps (instead of decay_fraction)").above(0),
                  Param::integer("total_steps", "T, where the cooldown ends; default: the trial's budget").above(0),
                  Param::string("shape", "the cooldown's shape").def("linear").one_of({"linear", "cosine", "1-sqrt"}),
                  Param::real("final_factor", "the rate the cooldown ends at, as a fraction of the peak").def(0.0)
                      .at_least(0).at_most(1)},
       .example = Json::parse(R"({"type": "wsd", "warmup_steps": 50, "decay_fraction": 0.2, "shape": "1-sqrt"})")},
      [](const Params& p, const ScheduleContext& ctx) -> SchedulePtr {
        const std::int64_t total = p.has("total_steps") ? p.integer("total_steps") : ctx.total_steps;
        if (total <= 0) throw ParamError("total_steps", "wsd needs total_steps: the trial's budget is not known here");
        if (p.has("decay_steps") && p.given("decay_fraction"))
          throw ParamError("decay_steps", "give decay_steps or decay_fraction, not both");
        const std::int64_t decay = p.has("decay_steps")
                                       ? p.integer("decay_steps")
                                       : std::max<std::int64_t>(1, std::llround(p.real("decay_fraction") * static_cast<double>(total)));
        // The first update of the cooldown runs at the peak (shape(0) = 1): a cooldown of one step
        // would leave the rate unchanged, which no one means (decay_fraction 0.2 of a 5-epoch budget).
        if (decay < 2)
          throw ParamError(p.has("decay_steps") ? "decay_steps" : "decay_fraction",
                           "the cooldown would last " + std::to_string(decay) + " step of total_steps " +
                               std::to_string(total) + ", which runs at the peak rate: it needs 2 steps at least "
                               "(give decay_steps, or count in steps rather than epochs)");
        const std::int64_t warmup = p.integer("warmup_steps");
        if (warmup + decay > total)
          throw ParamError("warmup_steps", "warmup_steps " + std::to_string(warmup) + " and the cooldown's " +
                                               std::to_string(decay) + " steps do not fit in total_steps " +
                                               std::to_string(total));
        const std::string shape = p.string("shape");
        return std::make_unique<Wsd>(ctx.base_lr, warmup, total - decay, decay,
                                     shape == "linear" ? Shape::linear : shape == "cosine" ? Shape::cosine
                                                                                           : Shape::one_minus_sqrt,
                                     p.real("final_factor"));
      });
}
}  // namespace lrlab::decay
