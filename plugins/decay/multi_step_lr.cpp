// multi_step_lr: torch.optim.lr_scheduler.MultiStepLR, closed form (_get_closed_form_lr):
//   lr = lr0 * gamma ^ bisect_right(milestones, t)   (the number of milestones <= t)
#include <algorithm>
#include <cmath>
#include <vector>

#include <lrlab/sdk.hpp>

namespace lrlab::decay {
namespace {
class MultiStepLR final : public Schedule {
 public:
  MultiStepLR(double lr0, std::vector<std::int64_t> milestones, double gamma)
      : lr0_(lr0), milestones_(std::move(milestones)), gamma_(gamma) {}
  double value(std::int64_t t) const override {
    const auto passed = std::upper_bound(milestones_.begin(), milestones_.end(), t) - milestones_.begin();
    return lr0_ * std::pow(gamma_, static_cast<double>(passed));
  }

 private:
  double lr0_;
  std::vector<std::int64_t> milestones_;
  double gamma_;
};
}  // namespace

void register_multi_step_lr(Registry& r) {
  r.add_schedule(
      {.name = "multi_step_lr",
       .summary = "multiply the optimizer's rate by gamma at each milestone",
       .formula = "lr(t) = lr0 * gamma ^ (number of milestones <= t)",
       .source = "torch.optim.lr_scheduler.MultiStepLR",
       .notes = "lr0 is the optimizer's learning_rate. The rate changes at the milestone step itself (Keras's "
                "piecewise_constant changes one step later). PyTorch counts a repeated milestone twice; lrlab "
                "asks for strictly increasing milestones instead (write gamma^2 for a double drop).",
       .params = {Param::integers("milestones", "steps where the rate is multiplied by gamma; strictly increasing")
                      .required()
                      .at_least(0),
                  Param::real("gamma", "factor per milestone").def(0.1).above(0)},
       .example = Json::parse(R"({"type": "multi_step_lr", "milestones": [300, 600], "gamma": 0.1})")},
      [](const Params& p, const ScheduleContext& ctx) -> SchedulePtr {
        auto milestones = p.integers("milestones");
        for (std::size_t i = 1; i < milestones.size(); ++i)
          if (milestones[i] <= milestones[i - 1])
            throw ParamError("milestones",
                             "Argument `milestones` must be strictly increasing. Received: milestones=" + p.raw("milestones").dump());
        return std::make_unique<MultiStepLR>(ctx.base_lr, std::move(milestones), p.real("gamma"));
      });
}
}  // namespace lrlab::decay
