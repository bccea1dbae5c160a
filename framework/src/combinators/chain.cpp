// chain: the product of schedules' factors (torch.optim.lr_scheduler.ChainedScheduler). lrlab's
// schedules give absolute rates, so each contributes the factor s_i(t) / lr0, and the chain is
// lr0 * prod_i s_i(t) / lr0: exactly ChainedScheduler for PyTorch-style schedules, which scale lr0.
// The schedule itself is the SDK's lrlab::chain (combinators.hpp), which plugins use too.
#include <vector>

#include "lrlab/sdk.hpp"

namespace lrlab {

void register_chain(Registry& r) {
  r.add_schedule(
      {.name = "chain",
       .summary = "multiply the factors of several schedules",
       .formula = "lr(t) = lr0 * prod_i (s_i(t) / lr0)",
       .source = "torch.optim.lr_scheduler.ChainedScheduler",
       .notes = "lr0 is the optimizer's learning_rate; with one child, chain is that child.",
       .params = {Param::schedules("schedules", "the schedules whose factors multiply").required()},
       .example = Json::parse(R"({"type": "chain", "schedules": [{"type": "exponential_decay", "decay_steps": 1,
                   "decay_rate": 0.999}, {"type": "warmup", "steps": 50, "schedule": {"type": "constant"}}]})")},
      [](const Params& p, const ScheduleContext& ctx) -> SchedulePtr {
        const Json& specs = p.raw("schedules");
        std::vector<SchedulePtr> children;
        for (std::size_t i = 0; i < specs.size(); ++i) children.push_back(ctx.build(specs[i], "schedules/" + std::to_string(i)));
        return chain(std::move(children), ctx.base_lr);
      });
}

}  // namespace lrlab
