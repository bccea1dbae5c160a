// cosine_annealing_warm_restarts: torch.optim.lr_scheduler.CosineAnnealingWarmRestarts (SGDR,
// Loshchilov & Hutter 2016):
//   lr = eta_min + (lr0 - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2
// where T_i = T_0 * T_mult^k is the length of the period t falls in and T_cur the steps done in it.
// T_cur and T_i are found with integers, exactly as PyTorch's step() counts them; the closed form
// in its step(epoch) (a float logarithm) can round wrongly at restarts.
#include <cmath>
#include <limits>
#include <numbers>

#include <lrlab/sdk.hpp>

namespace lrlab::cyclical {
namespace {
class CosineAnnealingWarmRestarts final : public Schedule {
 public:
  CosineAnnealingWarmRestarts(double lr0, std::int64_t t_0, std::int64_t t_mult, double eta_min)
      : lr0_(lr0), t_0_(t_0), t_mult_(t_mult), eta_min_(eta_min) {}

  double value(std::int64_t t) const override {
    std::int64_t t_cur = t;
    double t_i = static_cast<double>(t_0_);  // length of the period t falls in
    if (t_mult_ == 1) {
      t_cur = t % t_0_;
    } else {
      for (std::int64_t len = t_0_; t_cur >= len;) {
        t_cur -= len;
        if (len > std::numeric_limits<std::int64_t>::max() / t_mult_) {
          // The next period is longer than any int64 step count: t lies in it.
          t_i = static_cast<double>(len) * static_cast<double>(t_mult_);
          break;
        }
        len *= t_mult_;
        t_i = static_cast<double>(len);
      }
    }
    return eta_min_ + (lr0_ - eta_min_) * (1.0 + std::cos(std::numbers::pi * static_cast<double>(t_cur) / t_i)) / 2.0;
  }

 private:
  double lr0_;
  std::int64_t t_0_, t_mult_;
  double eta_min_;
};
}  // namespace

void register_cosine_annealing_warm_restarts(Registry& r) {
  r.add_schedule(
      {.name = "cosine_annealing_warm_restarts",
       .summary = "cosine annealing from the optimizer's rate to eta_min, restarting after T_0, T_0*T_mult, ... steps",
       .formula = "lr(t) = eta_min + (lr0 - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2, T_i = T_0 * T_mult^k",
       .source = "torch.optim.lr_scheduler.CosineAnnealingWarmRestarts (SGDR)",
       .notes = "lr0 is the optimizer's learning_rate; eta_min is an absolute rate. The rate is back at lr0 at each "
                "restart step (T_0, T_0 + T_0 * T_mult, ...). T_cur and T_i are counted with integers as PyTorch's "
                "step() does, so restarts fall exactly where PyTorch's do. For restarts that also lower the peak "
                "see cosine_decay_restarts (m_mul).",
       .params = {Param::integer("T_0", "length of the first period").required().above(0),
                  Param::integer("T_mult", "each period is T_mult times longer than the previous one").def(1).at_least(1),
                  Param::real("eta_min", "the minimum rate (absolute)").def(0.0).at_least(0)},
       .example = Json::parse(R"({"type": "cosine_annealing_warm_restarts", "T_0": 100, "T_mult": 2, "eta_min": 0.00001})")},
      [](const Params& p, const ScheduleContext& ctx) -> SchedulePtr {
        return std::make_unique<CosineAnnealingWarmRestarts>(ctx.base_lr, p.integer("T_0"), p.integer("T_mult"),
                                                             p.real("eta_min"));
      });
}
}  // namespace lrlab::cyclical
