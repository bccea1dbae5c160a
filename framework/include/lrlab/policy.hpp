#pragma once
// Policy: a stateful, per-trial object that watches training and acts on it.
//
// The effective learning rate of update t is  schedule(t) x f_1 x f_2 x ... x f_k,  one factor per
// policy in the order the spec lists them. A policy never computes the rate itself: it asks the
// core, through PolicyControl, to scale its own factor, to set the rate, to stop the trial or to
// restore the best parameters. The core applies the action and writes an `events` row with the
// step, the epoch, the policy's name, the action's kind, the rate before and after and the
// policy's message, which should give the reason with its numbers.
#include <cstdint>
#include <memory>
#include <string>

#include "metrics.hpp"
#include "state.hpp"

namespace lrlab {

struct StepInfo {
  std::int64_t step;   // the update just applied
  std::int64_t epoch;  // floor(step / steps_per_epoch)
  double loss;         // train loss of that update's batch, before the update
  double lr;           // the rate that update used
};

struct EvalInfo {
  std::int64_t step;    // updates applied when the evaluation ran
  std::int64_t epoch;   // the epoch that just ended (or is running, for step-based evaluation)
  const Metrics& metrics;
  double lr;            // the rate the last update used
};

// The core's side of the conversation; valid only during the call that received it.
class PolicyControl {
 public:
  virtual ~PolicyControl() = default;
  virtual double lr() const = 0;      // the effective rate the next update would use
  virtual double factor() const = 0;  // this policy's current factor (starts at 1)
  // Multiply this policy's factor by `multiplier`; logged as an event of `kind`.
  virtual void scale(double multiplier, const std::string& kind, const std::string& message) = 0;
  // Make the effective rate exactly `lr` by setting this policy's factor; logged.
  virtual void set_lr(double lr, const std::string& kind, const std::string& message) = 0;
  // End the trial after this call with status `stopped_early`; logged.
  virtual void stop(const std::string& message) = 0;
  // Remember the current parameters and Adam's state as the best so far (not logged).
  virtual void save_best() = 0;
  // Go back to the remembered parameters and Adam state; logged. Ignored if none saved.
  virtual void restore_best(const std::string& message) = 0;
  // An event that changes nothing (a warning, a decision not to act).
  virtual void note(const std::string& kind, const std::string& message) = 0;
};

class Policy {
 public:
  virtual ~Policy() = default;
  // Before update `step` takes its rate: where "every N steps" and "at the start of each epoch"
  // rules act, so that the update of that step already uses the new rate.
  virtual void before_step(std::int64_t /*step*/, std::int64_t /*epoch*/, PolicyControl&) {}
  // After update `info.step` was applied.
  virtual void after_step(const StepInfo&, PolicyControl&) {}
  // After each evaluation.
  virtual void after_eval(const EvalInfo&, PolicyControl&) {}
  // Once, when the budget is spent (after the last evaluation, which always covers the final
  // parameters): where Keras's on_train_end acts, e.g. restoring the best weights. Not called
  // when the trial stopped early, diverged or failed.
  virtual void at_end(std::int64_t /*steps_done*/, PolicyControl&) {}

  // Checkpoints: put every member that decides what the policy does next through the archive,
  // `a(best_, bad_, cooldown_)` (state.hpp). The core calls it to pause a trial and to resume or
  // fork one; a resumed trial must continue bit for bit as if it had never stopped. The default is
  // a policy without state.
  virtual void persist(StateArchive& /*a*/) {}
};

using PolicyPtr = std::unique_ptr<Policy>;

struct PolicyContext {
  double base_lr = 1e-3;
  std::int64_t total_steps = 0;
  std::int64_t steps_per_epoch = 1;
};

}  // namespace lrlab
