// warmup: a linear ramp over `steps` from start_factor x the wrapped schedule's first value up to
// that value, then the wrapped schedule with its step restarted at 0 (optax.warmup_cosine_decay
// and friends: linear_schedule joined to the main schedule at the warm-up boundary). The schedule
// itself is the SDK's lrlab::warmup (combinators.hpp), which plugins use too.
#include "lrlab/sdk.hpp"

namespace lrlab {

void register_warmup(Registry& r) {
  r.add_schedule(
      {.name = "warmup",
       .summary = "linear warm-up in front of any schedule",
       .formula = "lr(t) = s(0) * (start_factor + (1 - start_factor) * t / steps) for t < steps; s(t - steps) after",
       .source = "optax warmup schedules (linear_schedule joined at the boundary)",
       .params = {Param::schedule("schedule", "the schedule that follows the warm-up").required(),
                  Param::integer("steps", "length of the warm-up").required().above(0),
                  Param::real("start_factor", "first rate as a fraction of the wrapped schedule's first value")
                      .def(0.0)
                      .at_least(0)
                      .at_most(1)},
       .example = Json::parse(R"({"type": "warmup", "steps": 100, "start_factor": 0.1,
                   "schedule": {"type": "exponential_decay", "decay_steps": 100, "decay_rate": 0.9}})")},
      [](const Params& p, const ScheduleContext& ctx) -> SchedulePtr {
        return warmup(ctx.build(p.raw("schedule"), "schedule"), p.integer("steps"), p.real("start_factor"));
      });
}

}  // namespace lrlab
