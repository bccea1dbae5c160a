// constant_lr: torch.optim.lr_scheduler.ConstantLR, closed form (_get_closed_form_lr):
//   lr = lr0 * (factor + (t >= total_iters) * (1 - factor))
#include <lrlab/sdk.hpp>

namespace lrlab::decay {
namespace {
class ConstantLR final : public Schedule {
 public:
  ConstantLR(double lr0, double factor, std::int64_t total_iters) : lr0_(lr0), factor_(factor), total_iters_(total_iters) {}
  double value(std::int64_t t) const override {
    // Written as PyTorch writes it, so the rate after total_iters is bit-for-bit PyTorch's.
    const double reached = t >= total_iters_ ? 1.0 : 0.0;
    return lr0_ * (factor_ + reached * (1.0 - factor_));
  }

 private:
  double lr0_, factor_;
  std::int64_t total_iters_;
};
}  // namespace

void register_constant_lr(Registry& r) {
  r.add_schedule(
      {.name = "constant_lr",
       .summary = "the optimizer's rate times factor for the first total_iters steps, then the rate itself",
       .formula = "lr(t) = lr0 * factor for t < total_iters;  lr0 after",
       .source = "torch.optim.lr_scheduler.ConstantLR",
       .notes = "lr0 is the optimizer's learning_rate. factor in [0, 1], as PyTorch checks it.",
       .params = {Param::real("factor", "factor applied until total_iters").def(1.0 / 3).at_least(0).at_most(1),
                  Param::integer("total_iters", "steps at the reduced rate").def(5).at_least(0)},
       .example = Json::parse(R"({"type": "constant_lr", "factor": 0.5, "total_iters": 100})")},
      [](const Params& p, const ScheduleContext& ctx) -> SchedulePtr {
        return std::make_unique<ConstantLR>(ctx.base_lr, p.real("factor"), p.integer("total_iters"));
      });
}
}  // namespace lrlab::decay
