#pragma once
// Schedule: a pure function from the step (or the epoch) to a learning rate.
//
// A schedule is built once per trial from its validated parameters and never changes afterwards:
// value() is const, may be called from any thread, in any order, any number of times, and must
// return the same number for the same argument. That is what lets `lrlab preview` draw it before a
// run and lets policies compose with it (the effective rate is schedule(t) x policy factors).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "json.hpp"

namespace lrlab {

class Schedule {
 public:
  virtual ~Schedule() = default;

  // The learning rate for update `t` (t counts from 0). With "unit": "epoch" the core passes the
  // epoch instead; the schedule itself never needs to know.
  virtual double value(std::int64_t t) const = 0;

  // The optimizer's beta_1 (sgd's momentum) for update `t`, for schedules that cycle momentum (PyTorch's cycle_momentum);
  // nullopt leaves the optimizer's beta_1 alone.
  virtual std::optional<double> beta_1(std::int64_t /*t*/) const { return std::nullopt; }
};

using SchedulePtr = std::unique_ptr<const Schedule>;

// What a schedule factory may know about the trial besides its own parameters.
struct ScheduleContext {
  double base_lr = 1e-3;             // the optimizer's learning_rate
  // In the schedule's own unit: updates, or with "unit": "epoch" epochs (then total_steps is the
  // budget in whole epochs, rounded up, and steps_per_epoch is 1).
  std::int64_t total_steps = 0;      // the trial's budget (0 when unknown)
  std::int64_t steps_per_epoch = 1;  // from the task
  // Builds a nested schedule (for combinators), during the factory call only: `spec` is a component
  // object, `where` its place relative to the combinator ("schedules/0"), for messages. The core
  // validates it as it does any top-level schedule, "unit" included.
  std::function<SchedulePtr(const Json& spec, const std::string& where)> build;
  // The same, built as if the optimizer's learning_rate were `base_lr` (the `rebase` combinator).
  std::function<SchedulePtr(const Json& spec, const std::string& where, double base_lr)> build_at_rate;
};

}  // namespace lrlab
