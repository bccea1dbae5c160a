#include "lrlab/rate_control.hpp"

#include <cmath>

#include "lrlab/format.hpp"

namespace lrlab {

RateControl::RateControl(SchedulePtr schedule, std::vector<PolicyPtr> policies, std::vector<std::string> names)
    : schedule_(std::move(schedule)), policies_(std::move(policies)), names_(std::move(names)), factor_(policies_.size(), 1.0) {}

// One policy's side of the conversation: which policy is calling, and which step's rate it acts on.
class RateControl::Control final : public PolicyControl {
 public:
  // `step`, `epoch`: where events are logged; `rate_step`: the update whose rate lr() reports.
  Control(RateControl& r, RateHost& host, std::size_t i, std::int64_t step, std::int64_t epoch, std::int64_t rate_step)
      : r_(r), host_(host), i_(i), step_(step), epoch_(epoch), rate_step_(rate_step) {}
  double lr() const override { return r_.rate(rate_step_); }
  double factor() const override { return r_.factor_[i_]; }
  void scale(double m, const std::string& kind, const std::string& message) override {
    const double before = lr();
    r_.factor_[i_] *= m;
    event(kind, before, lr(), message);
  }
  void set_lr(double target, const std::string& kind, const std::string& message) override {
    const double before = lr();
    double others = r_.schedule_->value(rate_step_);
    for (std::size_t j = 0; j < r_.factor_.size(); ++j)
      if (j != i_) others *= r_.factor_[j];
    if (others == 0.0 || !std::isfinite(others)) {
      // A factor cannot turn a zero rate into `target` (a warm-up starting at 0, another policy's
      // factor 0): say so rather than store a factor that could never be undone.
      event(kind + "_skipped", before, before,
            message + " (not applied: the rate without this policy is " + message_number(others) + ")");
      return;
    }
    r_.factor_[i_] = target / others;
    event(kind, before, lr(), message);
  }
  void stop(const std::string& message) override {
    r_.stop_requested_ = true;
    event("stop", lr(), lr(), message);
  }
  void save_best() override { host_.save_best(); }
  void restore_best(const std::string& message) override {
    if (host_.restore_best()) event("restore_best", lr(), lr(), message);
  }
  void note(const std::string& kind, const std::string& message) override { event(kind, lr(), lr(), message); }

 private:
  void event(const std::string& kind, double old_lr, double new_lr, const std::string& message) {
    host_.event(EventRow{step_, epoch_, r_.names_[i_], kind, old_lr, new_lr, message});
  }
  RateControl& r_;
  RateHost& host_;
  std::size_t i_;
  std::int64_t step_, epoch_, rate_step_;
};

void RateControl::before_step(std::int64_t t, std::int64_t epoch, RateHost& host) {
  for (std::size_t i = 0; i < policies_.size() && !stop_requested_; ++i) {
    Control c(*this, host, i, t, epoch, t);
    policies_[i]->before_step(t, epoch, c);
  }
}

void RateControl::after_step(const StepInfo& info, RateHost& host) {
  for (std::size_t i = 0; i < policies_.size() && !stop_requested_; ++i) {
    Control c(*this, host, i, info.step, info.epoch, info.step + 1);
    policies_[i]->after_step(info, c);
  }
}

void RateControl::after_eval(const EvalInfo& info, RateHost& host) {
  for (std::size_t i = 0; i < policies_.size() && !stop_requested_; ++i) {
    Control c(*this, host, i, info.step, info.epoch, info.step);
    policies_[i]->after_eval(info, c);
  }
}

void RateControl::at_end(std::int64_t steps_done, std::int64_t epoch, RateHost& host) {
  for (std::size_t i = 0; i < policies_.size(); ++i) {
    Control c(*this, host, i, steps_done, epoch, steps_done);
    policies_[i]->at_end(steps_done, c);
  }
}

}  // namespace lrlab
