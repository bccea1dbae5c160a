// one_cycle_lr: torch.optim.lr_scheduler.OneCycleLR (Smith & Topin 2017, "Super-Convergence"; the
// two-phase default follows fastai), PyTorch's formula (its get_lr is already a closed form):
//   initial = max_lr / div_factor, min = initial / final_div_factor
//   phases (end steps):  two-phase:   pct*T - 1 (initial -> max),  T - 1 (max -> min)
//                        three-phase: pct*T - 1 (initial -> max),  2*pct*T - 2 (max -> initial),  T - 1 (initial -> min)
//   t in phase [start, end]: lr = anneal(from, to, (t - start) / (end - start)), the last phase taking every later t
//   anneal cos: to + (from - to) / 2 * (cos(pi * p) + 1);  linear: (to - from) * p + from
// beta_1 follows the same phases from max_momentum to base_momentum and back (inversely to the rate).
#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include <lrlab/sdk.hpp>

namespace lrlab::cyclical {
namespace {
struct Phase {
  double end_step;
  double lr_from, lr_to;
  double momentum_from, momentum_to;
};

class OneCycleLR final : public Schedule {
 public:
  OneCycleLR(std::vector<Phase> phases, std::int64_t total_steps, bool cosine, bool cycle_momentum)
      : phases_(std::move(phases)), total_steps_(total_steps), cosine_(cosine), cycle_momentum_(cycle_momentum) {}

  double value(std::int64_t t) const override {
    const auto [phase, pct] = locate(t);
    return anneal(phase->lr_from, phase->lr_to, pct);
  }
  std::optional<double> beta_1(std::int64_t t) const override {
    if (!cycle_momentum_) return std::nullopt;
    const auto [phase, pct] = locate(t);
    return anneal(phase->momentum_from, phase->momentum_to, pct);
  }

 private:
  // PyTorch raises past total_steps; lrlab holds the value of the last step, T - 1.
  std::pair<const Phase*, double> locate(std::int64_t t) const {
    const auto step = static_cast<double>(std::min(t, total_steps_ - 1));
    double start = 0.0;
    for (std::size_t i = 0; i < phases_.size(); ++i) {
      const Phase& ph = phases_[i];
      if (step <= ph.end_step || i + 1 == phases_.size()) return {&ph, (step - start) / (ph.end_step - start)};
      start = ph.end_step;
    }
    return {&phases_.back(), 1.0};  // not reached: the last phase takes every step
  }
  double anneal(double from, double to, double pct) const {
    if (cosine_) return to + (from - to) / 2.0 * (std::cos(std::numbers::pi * pct) + 1.0);
    return (to - from) * pct + from;
  }
  std::vector<Phase> phases_;
  std::int64_t total_steps_;
  bool cosine_, cycle_momentum_;
};

// total_steps, or epochs * steps_per_epoch (PyTorch's order of precedence), or the trial's budget.
std::int64_t total_steps_of(const Params& p, const ScheduleContext& ctx) {
  if (p.has("total_steps")) return p.integer("total_steps");
  if (p.has("epochs")) return p.integer("epochs") * p.integer_or("steps_per_epoch", ctx.steps_per_epoch);
  if (p.has("steps_per_epoch"))
    throw ParamError("epochs", "Argument `epochs` is required with steps_per_epoch. Received: steps_per_epoch=" +
                                   p.raw("steps_per_epoch").dump() + " and no epochs");
  if (ctx.total_steps <= 0)
    throw ParamError("total_steps", "Argument `total_steps` (or `epochs`) is required when the trial's length is unknown.");
  return ctx.total_steps;
}
}  // namespace

void register_one_cycle_lr(Registry& r) {
  r.add_schedule(
      {.name = "one_cycle_lr",
       .summary = "the 1cycle policy: warm up to max_lr, then anneal far below the start, optionally cycling beta_1",
       .formula = "lr rises from max_lr / div_factor to max_lr over pct_start * total_steps steps, then falls to "
                  "max_lr / (div_factor * final_div_factor) at total_steps - 1 (cosine or linear); three_phase: "
                  "up, back down to the start, then to the minimum",
       .source = "torch.optim.lr_scheduler.OneCycleLR",
       .notes = "max_lr defaults to the optimizer's learning_rate. The cycle length is total_steps, else epochs * "
                "steps_per_epoch (steps_per_epoch defaulting to the task's), else the trial's budget in steps (with "
                "\"unit\": \"epoch\", give total_steps in epochs). PyTorch raises "
                "an error when stepped past total_steps; lrlab holds the final rate (and beta_1) of step "
                "total_steps - 1 from then on. As PyTorch does with Adam, cycle_momentum (on by default, as in "
                "PyTorch) moves the optimizer's momentum (beta_1 of adam, nadam, radam and schedule_free_adamw; sgd's "
                "momentum, whatever the spec gives it, as in PyTorch) from max_momentum down to base_momentum while the "
                "rate rises, and back; set it to false to keep the optimizer's own. The beta_1 of every step is recorded. A first phase "
                "of zero length (pct_start * total_steps = 1), where PyTorch divides by zero, is refused.",
       .params = {Param::real("max_lr", "peak rate; defaults to the optimizer's learning_rate").above(0),
                  Param::integer("total_steps", "length of the cycle; takes precedence over epochs").above(0),
                  Param::integer("epochs", "length of the cycle in epochs (with steps_per_epoch)").above(0),
                  Param::integer("steps_per_epoch", "steps per epoch for `epochs`; defaults to the task's").above(0),
                  Param::real("pct_start", "fraction of the cycle spent raising the rate").def(0.3).above(0).below(1),
                  Param::string("anneal_strategy", "shape of each phase").def("cos").one_of({"cos", "linear"}),
                  Param::boolean("cycle_momentum", "cycle the optimizer's beta_1 (sgd: momentum) inversely to the rate").def(true),
                  Param::real("base_momentum", "beta_1 at the peak rate").def(0.85).at_least(0).below(1),
                  Param::real("max_momentum", "beta_1 at the start and the end").def(0.95).at_least(0).below(1),
                  Param::real("div_factor", "initial rate = max_lr / div_factor").def(25.0).above(0),
                  Param::real("final_div_factor", "final rate = initial rate / final_div_factor").def(1e4).above(0),
                  Param::boolean("three_phase", "come back to the initial rate before the final annealing").def(false)},
       .example = Json::parse(R"({"type": "one_cycle_lr", "max_lr": 0.01, "total_steps": 1000, "pct_start": 0.25})")},
      [](const Params& p, const ScheduleContext& ctx) -> SchedulePtr {
        const std::int64_t total = total_steps_of(p, ctx);
        const double pct = p.real("pct_start");
        const auto steps = static_cast<double>(total);
        if (pct * steps - 1.0 == 0.0)
          throw ParamError("pct_start", "Argument `pct_start` must not make the first phase empty (pct_start * total_steps = 1, "
                                        "total_steps=" + std::to_string(total) + "). Received: pct_start=" +
                                            p.raw("pct_start").dump());
        const double max_lr = p.real_or("max_lr", ctx.base_lr);
        const double initial = max_lr / p.real("div_factor");
        const double min_lr = initial / p.real("final_div_factor");
        const double m_base = p.real("base_momentum"), m_max = p.real("max_momentum");
        const bool cycle_momentum = p.boolean("cycle_momentum");
        if (cycle_momentum && m_base > m_max)
          throw ParamError("base_momentum", "Argument `base_momentum` must be <= max_momentum (" + p.raw("max_momentum").dump() +
                                                "). Received: base_momentum=" + p.raw("base_momentum").dump());
        std::vector<Phase> phases;
        if (p.boolean("three_phase")) {
          phases = {{pct * steps - 1.0, initial, max_lr, m_max, m_base},
                    {2.0 * pct * steps - 2.0, max_lr, initial, m_base, m_max},
                    {steps - 1.0, initial, min_lr, m_max, m_max}};
        } else {
          phases = {{pct * steps - 1.0, initial, max_lr, m_max, m_base}, {steps - 1.0, max_lr, min_lr, m_base, m_max}};
        }
        return std::make_unique<OneCycleLR>(std::move(phases), total, p.string("anneal_strategy") == "cos", cycle_momentum);
      });
}
}  // namespace lrlab::cyclical
