// sequential: schedule i runs from milestone i-1 to milestone i, its own step restarting at 0 at
// its milestone (optax.join_schedules; torch.optim.lr_scheduler.SequentialLR), or with "restart":
// false going on with the global step (how `lrlab replay` writes a PBT lineage). The schedule
// itself is the SDK's lrlab::sequential (combinators.hpp), which plugins use too.
#include <vector>

#include "lrlab/sdk.hpp"

namespace lrlab {

void register_sequential(Registry& r) {
  r.add_schedule(
      {.name = "sequential",
       .summary = "run schedules one after another, each restarting its step at its milestone",
       .formula = "lr(t) = schedules[i](t - milestones[i-1]) for milestones[i-1] <= t < milestones[i] (restart false: "
                  "schedules[i](t))",
       .source = "optax.join_schedules; torch.optim.lr_scheduler.SequentialLR",
       .notes = "At t == milestone the next schedule starts, at its step 0 (with restart false, at step t).",
       .params = {Param::schedules("schedules", "the schedules, in order").required(),
                  Param::integers("milestones", "steps where the next schedule starts; one fewer than schedules, increasing")
                      .required()
                      .above(0),
                  // No default written into resolved configurations: specs from before it keep their trial keys.
                  Param::boolean("restart", "each schedule starts at its own step 0 (default true; false: every "
                                            "schedule sees the global step t)")},
       .example = Json::parse(R"({"type": "sequential", "schedules": [{"type": "constant"},
                   {"type": "exponential_decay", "decay_steps": 100, "decay_rate": 0.5}], "milestones": [200]})")},
      [](const Params& p, const ScheduleContext& ctx) -> SchedulePtr {
        const Json& specs = p.raw("schedules");
        auto milestones = p.integers("milestones");
        check_sequential(specs.size(), milestones);  // before the children: their errors come second
        std::vector<SchedulePtr> children;
        for (std::size_t i = 0; i < specs.size(); ++i) children.push_back(ctx.build(specs[i], "schedules/" + std::to_string(i)));
        return sequential(std::move(children), std::move(milestones), !p.has("restart") || p.boolean("restart"));
      });
}

}  // namespace lrlab
