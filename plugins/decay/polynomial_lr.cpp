// polynomial_lr: torch.optim.lr_scheduler.PolynomialLR, closed form (_get_closed_form_lr):
//   lr = lr0 * (1 - min(total_iters, t) / total_iters) ^ power
#include <algorithm>
#include <cmath>

#include <lrlab/sdk.hpp>

namespace lrlab::decay {
namespace {
class PolynomialLR final : public Schedule {
 public:
  PolynomialLR(double lr0, std::int64_t total_iters, double power) : lr0_(lr0), total_iters_(total_iters), power_(power) {}
  double value(std::int64_t t) const override {
    const double done = static_cast<double>(std::min(total_iters_, t)) / static_cast<double>(total_iters_);
    return lr0_ * std::pow(1.0 - done, power_);
  }

 private:
  double lr0_;
  std::int64_t total_iters_;
  double power_;
};
}  // namespace

void register_polynomial_lr(Registry& r) {
  r.add_schedule(
      {.name = "polynomial_lr",
       .summary = "polynomial decay of the optimizer's rate to zero over total_iters",
       .formula = "lr(t) = lr0 * (1 - min(t, total_iters) / total_iters) ^ power",
       .source = "torch.optim.lr_scheduler.PolynomialLR",
       .notes = "lr0 is the optimizer's learning_rate. The rate is 0 from t = total_iters on (1 with power = 0, as "
                "0^0 = 1 in PyTorch's formula). For a non-zero end rate see polynomial_decay.",
       .params = {Param::integer("total_iters", "steps to decay to zero").def(5).above(0),
                  Param::real("power", "power of the polynomial (1 = linear)").def(1.0).at_least(0)},
       .example = Json::parse(R"({"type": "polynomial_lr", "total_iters": 1000, "power": 2.0})")},
      [](const Params& p, const ScheduleContext& ctx) -> SchedulePtr {
        return std::make_unique<PolynomialLR>(ctx.base_lr, p.integer("total_iters"), p.real("power"));
      });
}
}  // namespace lrlab::decay
