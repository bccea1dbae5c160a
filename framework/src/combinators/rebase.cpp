// rebase: a schedule run as if the optimizer's learning_rate were another. A schedule computes its
// rates from the optimizer's (exponential_decay starts there, constant stays there); `rebase`
// builds its schedule with `learning_rate` in that place instead. `lrlab replay` writes one per
// segment of a PBT lineage, whose members mutated the optimizer's rate, so that the segment's
// rates are the very numbers the member used.
#include "lrlab/sdk.hpp"

namespace lrlab {

void register_rebase(Registry& r) {
  r.add_schedule({.name = "rebase",
                  .summary = "a schedule built as if the optimizer's learning_rate were another",
                  .formula = "lr(t) = schedule(t), with the schedule's base rate learning_rate",
                  .source = "lrlab (`lrlab replay` of a population-based training lineage)",
                  .notes = "The same numbers as the schedule in a spec whose optimizer.learning_rate is learning_rate.",
                  .params = {Param::real("learning_rate", "the base rate the schedule is built with").required().above(0),
                             Param::schedule("schedule", "the schedule").required()},
                  .example = Json::parse(R"({"type": "rebase", "learning_rate": 0.01,
                    "schedule": {"type": "exponential_decay", "decay_steps": 100, "decay_rate": 0.5}})")},
                 [](const Params& p, const ScheduleContext& ctx) -> SchedulePtr {
                   return ctx.build_at_rate(p.raw("schedule"), "schedule", p.real("learning_rate"));
                 });
}

}  // namespace lrlab
