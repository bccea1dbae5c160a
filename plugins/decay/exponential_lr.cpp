// exponential_lr: torch.optim.lr_scheduler.ExponentialLR, closed form (_get_closed_form_lr):
//   lr = lr0 * gamma ^ t
// Written as a function of the step (schedule_fn.hpp).
#include <cmath>

#include <lrlab/sdk.hpp>

namespace lrlab::decay {

void register_exponential_lr(Registry& r) {
  r.add_schedule(
      {.name = "exponential_lr",
       .summary = "multiply the optimizer's rate by gamma every step",
       .formula = "lr(t) = lr0 * gamma ^ t",
       .source = "torch.optim.lr_scheduler.ExponentialLR",
       .notes = "lr0 is the optimizer's learning_rate. PyTorch's step() multiplies the previous rate by gamma; the "
                "closed form used here is the same in exact arithmetic and does not accumulate rounding. gamma > 1 "
                "gives the exponential ramp of a learning-rate range test.",
       .params = {Param::real("gamma", "factor per step").required().above(0)},
       .example = Json::parse(R"({"type": "exponential_lr", "gamma": 0.995})")},
      schedule_fn([](const Params& p, const ScheduleContext& ctx) {
        const double lr0 = ctx.base_lr, gamma = p.real("gamma");
        return [lr0, gamma](std::int64_t t) { return lr0 * std::pow(gamma, static_cast<double>(t)); };
      }));
}

}  // namespace lrlab::decay
