#pragma once
// RateControl: the part of a trial that decides its learning rate. The effective rate of update t
// is  schedule(t) x f_1 x ... x f_k  (policy.hpp): this holds the schedule, the policies and their
// factors, is each policy's PolicyControl, applies what they ask and reports every action as an
// events row. What a policy asks of the rest of the trial (remember or restore the parameters) goes
// to a RateHost. TrialRun runs one inside each trial; the Python module runs one beside a torch
// optimizer (lrlab.torch.Scheduler): one piece of code, so the two give the same rates when fed the
// same numbers.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lrlab/policy.hpp"
#include "lrlab/schedule.hpp"
#include "lrlab/trial_record.hpp"

namespace lrlab {

// The trial around a RateControl.
class RateHost {
 public:
  virtual ~RateHost() = default;
  virtual void event(EventRow&& row) = 0;
  // PolicyControl::save_best: remember the parameters and the optimizer's state.
  virtual void save_best() = 0;
  // PolicyControl::restore_best: go back to them; false when nothing was saved (no event then).
  virtual bool restore_best() = 0;
};

class RateControl {
 public:
  // `names`: each policy's type, the events' source.
  RateControl(SchedulePtr schedule, std::vector<PolicyPtr> policies, std::vector<std::string> names);

  double rate(std::int64_t t) const { return schedule_->value(t) * factors(); }
  std::optional<double> beta_1(std::int64_t t) const { return schedule_->beta_1(t); }
  const Schedule& schedule() const { return *schedule_; }

  std::size_t policy_count() const { return policies_.size(); }
  Policy& policy(std::size_t i) { return *policies_[i]; }
  const std::string& policy_name(std::size_t i) const { return names_[i]; }
  double& factor(std::size_t i) { return factor_[i]; }
  // A policy called stop(): the trial ends after this call.
  bool stop_requested() const { return stop_requested_; }

  // The policies' hooks (policy.hpp), in the spec's order, until one asks to stop. Events are logged
  // at `step`/`epoch`; lr() reports the rate of update `rate_step`.
  void before_step(std::int64_t t, std::int64_t epoch, RateHost& host);  // rate_step t
  void after_step(const StepInfo& info, RateHost& host);                  // rate_step t + 1
  void after_eval(const EvalInfo& info, RateHost& host);                  // rate_step info.step
  void at_end(std::int64_t steps_done, std::int64_t epoch, RateHost& host);

 private:
  class Control;
  double factors() const {
    double f = 1.0;
    for (double x : factor_) f *= x;
    return f;
  }
  SchedulePtr schedule_;
  std::vector<PolicyPtr> policies_;
  std::vector<std::string> names_;
  std::vector<double> factor_;
  bool stop_requested_ = false;
};

}  // namespace lrlab
