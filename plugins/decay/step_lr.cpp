// step_lr: torch.optim.lr_scheduler.StepLR, closed form (_get_closed_form_lr):
//   lr = lr0 * gamma ^ floor(t / step_size)
#include <cmath>

#include <lrlab/sdk.hpp>

namespace lrlab::decay {
namespace {
class StepLR final : public Schedule {
 public:
  StepLR(double lr0, std::int64_t step_size, double gamma) : lr0_(lr0), step_size_(step_size), gamma_(gamma) {}
  double value(std::int64_t t) const override { return lr0_ * std::pow(gamma_, static_cast<double>(t / step_size_)); }

 private:
  double lr0_;
  std::int64_t step_size_;
  double gamma_;
};
}  // namespace

void register_step_lr(Registry& r) {
  r.add_schedule(
      {.name = "step_lr",
       .summary = "multiply the optimizer's rate by gamma every step_size steps",
       .formula = "lr(t) = lr0 * gamma ^ floor(t / step_size)",
       .source = "torch.optim.lr_scheduler.StepLR",
       .notes = "lr0 is the optimizer's learning_rate. The first drop is at t = step_size.",
       .params = {Param::integer("step_size", "period of the decay").required().above(0),
                  Param::real("gamma", "factor per period").def(0.1).above(0)},
       .example = Json::parse(R"({"type": "step_lr", "step_size": 200, "gamma": 0.5})")},
      [](const Params& p, const ScheduleContext& ctx) -> SchedulePtr {
        return std::make_unique<StepLR>(ctx.base_lr, p.integer("step_size"), p.real("gamma"));
      });
}
}  // namespace lrlab::decay
