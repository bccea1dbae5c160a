// exponential_lr: torch.optim.lr_scheduler.ExponentialLR, closed form (_get_closed_form_lr):
//   lr = lr0 * gamma ^ t
#include <cmath>

#include <lrlab/sdk.hpp>

namespace lrlab::decay {
namespace {
class ExponentialLR final : public Schedule {
 public:
  ExponentialLR(double lr0, double gamma) : lr0_(lr0), gamma_(gamma) {}
  double value(std::int64_t t) const override { return lr0_ * std::pow(gamma_, static_cast<double>(t)); }

 private:
  double lr0_, gamma_;
};
}  // namespace

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
      [](const Params& p, const ScheduleContext& ctx) -> SchedulePtr {
        return std::make_unique<ExponentialLR>(ctx.base_lr, p.real("gamma"));
      });
}
}  // namespace lrlab::decay
