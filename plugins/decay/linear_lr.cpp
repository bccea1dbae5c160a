// linear_lr: torch.optim.lr_scheduler.LinearLR, closed form (_get_closed_form_lr):
//   lr = lr0 * (start_factor + (end_factor - start_factor) * min(total_iters, t) / total_iters)
#include <algorithm>

#include <lrlab/sdk.hpp>

namespace lrlab::decay {
namespace {
class LinearLR final : public Schedule {
 public:
  LinearLR(double lr0, double start, double end, std::int64_t total_iters)
      : lr0_(lr0), start_(start), end_(end), total_iters_(total_iters) {}
  double value(std::int64_t t) const override {
    const auto done = static_cast<double>(std::min(total_iters_, t));
    return lr0_ * (start_ + (end_ - start_) * done / static_cast<double>(total_iters_));
  }

 private:
  double lr0_, start_, end_;
  std::int64_t total_iters_;
};
}  // namespace

void register_linear_lr(Registry& r) {
  r.add_schedule(
      {.name = "linear_lr",
       .summary = "a factor of the optimizer's rate moving linearly from start_factor to end_factor",
       .formula = "lr(t) = lr0 * (start_factor + (end_factor - start_factor) * min(t, total_iters) / total_iters)",
       .source = "torch.optim.lr_scheduler.LinearLR",
       .notes = "lr0 is the optimizer's learning_rate. The factor reaches end_factor at t = total_iters and stays. "
                "Ranges as PyTorch checks them: start_factor in (0, 1], end_factor in [0, 1].",
       .params = {Param::real("start_factor", "factor at t = 0").def(1.0 / 3).above(0).at_most(1),
                  Param::real("end_factor", "factor from t = total_iters on").def(1.0).at_least(0).at_most(1),
                  Param::integer("total_iters", "steps to go from start_factor to end_factor").def(5).above(0)},
       .example = Json::parse(R"({"type": "linear_lr", "start_factor": 0.1, "end_factor": 1.0, "total_iters": 100})")},
      [](const Params& p, const ScheduleContext& ctx) -> SchedulePtr {
        return std::make_unique<LinearLR>(ctx.base_lr, p.real("start_factor"), p.real("end_factor"), p.integer("total_iters"));
      });
}
}  // namespace lrlab::decay
