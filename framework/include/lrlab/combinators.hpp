#pragma once
// Combinators: schedules made of other schedules, for a plugin's own code. The core's components
// `sequential`, `warmup` and `chain` are these functions with their parameters read from a spec,
// so a plugin that composes schedules in C++ gets exactly the numbers a spec would.
//
//   SchedulePtr s = warmup(sequential(children, {1000}), 100);   // children: std::vector<SchedulePtr>
//
// Each function checks its arguments and throws ParamError naming the argument ("schedules",
// "milestones", "steps", "start_factor"): inside a schedule factory whose parameters have those
// names the core reports it at the parameter; elsewhere, catch it. Children are owned by the result.
// beta_1 (Adam's momentum, for schedules that cycle it) passes through from the child in charge.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "errors.hpp"
#include "format.hpp"
#include "schedule.hpp"

namespace lrlab {

namespace combinators_detail {

inline void require_some(std::size_t count) {
  if (count == 0) throw ParamError("schedules", "Argument `schedules` must hold at least one schedule.");
}

inline void require_schedules(const std::vector<SchedulePtr>& schedules) {
  require_some(schedules.size());
  for (const auto& s : schedules)
    if (!s) throw ParamError("schedules", "Argument `schedules` must not hold a null schedule.");
}

inline std::string list_text(const std::vector<std::int64_t>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

// sequential: child i runs from milestone i-1 to milestone i, its own step restarting at 0 there
// (or, without restart, going on with the global step).
class Sequential final : public Schedule {
 public:
  Sequential(std::vector<SchedulePtr> children, std::vector<std::int64_t> milestones, bool restart)
      : children_(std::move(children)), milestones_(std::move(milestones)), restart_(restart) {}

  double value(std::int64_t t) const override {
    const auto [i, local] = locate(t);
    return children_[i]->value(local);
  }
  std::optional<double> beta_1(std::int64_t t) const override {
    const auto [i, local] = locate(t);
    return children_[i]->beta_1(local);
  }

 private:
  // The child active at step t (the one whose milestone t has reached) and its local step.
  std::pair<std::size_t, std::int64_t> locate(std::int64_t t) const {
    const auto i = static_cast<std::size_t>(std::upper_bound(milestones_.begin(), milestones_.end(), t) - milestones_.begin());
    return {i, i == 0 || !restart_ ? t : t - milestones_[i - 1]};
  }
  std::vector<SchedulePtr> children_;
  std::vector<std::int64_t> milestones_;
  bool restart_ = true;
};

// warmup: a linear ramp from start_factor x inner(0) to inner(0) over `steps`, then inner(t - steps).
class Warmup final : public Schedule {
 public:
  Warmup(SchedulePtr inner, std::int64_t steps, double start_factor)
      : inner_(std::move(inner)), steps_(steps), start_(start_factor), peak_(inner_->value(0)) {}

  double value(std::int64_t t) const override {
    if (t >= steps_) return inner_->value(t - steps_);
    const double frac = static_cast<double>(t) / static_cast<double>(steps_);
    return peak_ * (start_ + (1.0 - start_) * frac);
  }
  std::optional<double> beta_1(std::int64_t t) const override { return inner_->beta_1(t >= steps_ ? t - steps_ : 0); }

 private:
  SchedulePtr inner_;
  std::int64_t steps_;
  double start_;
  double peak_;
};

// chain: base_lr x the product of the children's factors s_i(t) / base_lr.
class Chain final : public Schedule {
 public:
  Chain(std::vector<SchedulePtr> children, double base_lr) : children_(std::move(children)), base_(base_lr) {}

  double value(std::int64_t t) const override {
    double v = base_;
    for (const auto& c : children_) v *= c->value(t) / base_;
    return v;
  }
  std::optional<double> beta_1(std::int64_t t) const override {
    for (const auto& c : children_)
      if (auto b = c->beta_1(t)) return b;
    return std::nullopt;
  }

 private:
  std::vector<SchedulePtr> children_;
  double base_;
};

}  // namespace combinators_detail

// The checks of sequential(), for a caller that wants them before it builds the children (the core
// reports a bad `milestones` before any problem inside the schedules). `count`: the number of
// schedules.
inline void check_sequential(std::size_t count, const std::vector<std::int64_t>& milestones) {
  combinators_detail::require_some(count);
  if (milestones.size() + 1 != count)
    throw ParamError("milestones", "Argument `milestones` must have one entry fewer than `schedules`. Received: " +
                                       std::to_string(milestones.size()) + " milestones for " + std::to_string(count) +
                                       " schedules");
  for (std::size_t i = 0; i < milestones.size(); ++i) {
    if (milestones[i] <= 0)
      throw ParamError("milestones", "Argument `milestones` must be > 0. Received: " + combinators_detail::list_text(milestones));
    if (i > 0 && milestones[i] <= milestones[i - 1])
      throw ParamError("milestones", "Argument `milestones` must be strictly increasing. Received: " +
                                         combinators_detail::list_text(milestones));
  }
}

// Schedule i from milestones[i-1] (0 for the first) up to milestones[i], at its own step
// t - milestones[i-1]; the last one from the last milestone on. milestones: one fewer than
// schedules, > 0, strictly increasing (optax.join_schedules; torch.optim.lr_scheduler.SequentialLR).
// With restart false every schedule sees the global step t instead: segments cut from schedules
// that ran side by side (a PBT lineage, `lrlab replay`).
inline SchedulePtr sequential(std::vector<SchedulePtr> schedules, std::vector<std::int64_t> milestones, bool restart = true) {
  combinators_detail::require_schedules(schedules);
  check_sequential(schedules.size(), milestones);
  return std::make_unique<combinators_detail::Sequential>(std::move(schedules), std::move(milestones), restart);
}

// A linear warm-up of `steps` (>= 1) updates in front of `schedule`: from start_factor x schedule(0)
// (start_factor in [0, 1]) up to schedule(0), then schedule(t - steps).
inline SchedulePtr warmup(SchedulePtr schedule, std::int64_t steps, double start_factor = 0.0) {
  if (!schedule) throw ParamError("schedule", "Argument `schedule` must be a schedule.");
  if (steps < 1) throw ParamError("steps", "Argument `steps` must be > 0. Received: steps=" + std::to_string(steps));
  if (!(start_factor >= 0.0 && start_factor <= 1.0))
    throw ParamError("start_factor",
                     "Argument `start_factor` must be in [0, 1]. Received: start_factor=" + message_number(start_factor));
  return std::make_unique<combinators_detail::Warmup>(std::move(schedule), steps, start_factor);
}

// The product of the schedules' factors of base_lr (the optimizer's rate):
// base_lr x prod_i schedules[i](t) / base_lr (torch.optim.lr_scheduler.ChainedScheduler).
inline SchedulePtr chain(std::vector<SchedulePtr> schedules, double base_lr) {
  combinators_detail::require_schedules(schedules);
  return std::make_unique<combinators_detail::Chain>(std::move(schedules), base_lr);
}

}  // namespace lrlab
