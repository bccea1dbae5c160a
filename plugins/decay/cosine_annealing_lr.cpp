// cosine_annealing_lr: torch.optim.lr_scheduler.CosineAnnealingLR, closed form (_get_closed_form_lr,
// SGDR's formula without restarts, Loshchilov & Hutter 2016):
//   lr = eta_min + (lr0 - eta_min) * (1 + cos(pi * t / T_max)) / 2
#include <cmath>
#include <numbers>

#include <lrlab/sdk.hpp>

namespace lrlab::decay {
namespace {
class CosineAnnealingLR final : public Schedule {
 public:
  CosineAnnealingLR(double lr0, std::int64_t t_max, double eta_min) : lr0_(lr0), t_max_(t_max), eta_min_(eta_min) {}
  double value(std::int64_t t) const override {
    return eta_min_ + (lr0_ - eta_min_) * (1.0 + std::cos(std::numbers::pi * static_cast<double>(t) /
                                                          static_cast<double>(t_max_))) / 2.0;
  }

 private:
  double lr0_;
  std::int64_t t_max_;
  double eta_min_;
};
}  // namespace

void register_cosine_annealing_lr(Registry& r) {
  r.add_schedule(
      {.name = "cosine_annealing_lr",
       .summary = "half a cosine from the optimizer's rate down to eta_min over T_max steps",
       .formula = "lr(t) = eta_min + (lr0 - eta_min) * (1 + cos(pi * t / T_max)) / 2",
       .source = "torch.optim.lr_scheduler.CosineAnnealingLR (its closed form, _get_closed_form_lr)",
       .notes = "lr0 is the optimizer's learning_rate; eta_min is an absolute rate. lrlab evaluates PyTorch's closed "
                "form. PyTorch's step() uses a recursive form that is equal in exact arithmetic but accumulates "
                "rounding (about 1e-15 relative; near eta_min = 0 at t = T_max it returns a tiny non-zero rate). "
                "As in PyTorch, past T_max the cosine continues and the rate rises again (period 2 * T_max); wrap "
                "it in sequential, or use cosine_decay, to hold the minimum.",
       .params = {Param::integer("T_max", "steps from lr0 down to eta_min").required().above(0),
                  Param::real("eta_min", "the minimum rate (absolute)").def(0.0).at_least(0)},
       .example = Json::parse(R"({"type": "cosine_annealing_lr", "T_max": 1000, "eta_min": 0.00001})")},
      [](const Params& p, const ScheduleContext& ctx) -> SchedulePtr {
        return std::make_unique<CosineAnnealingLR>(ctx.base_lr, p.integer("T_max"), p.real("eta_min"));
      });
}
}  // namespace lrlab::decay
