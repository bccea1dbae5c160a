#pragma once
// FakeControl: the core's side of a policy call, reduced to what a unit test needs to watch. It
// keeps one policy's factor over a constant schedule value, so lr() = schedule x factor as in the
// core (framework/src/trial_run.cpp), and records every action. Policies are built from JSON through
// the real resolver, so their parameter declarations and defaults are exercised too.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "lrlab/task_build.hpp"
#include "support/catalog.hpp"

namespace lrlab::test {

struct RecordedEvent {
  std::string kind;
  double old_lr, new_lr;
  std::string message;
};

class FakeControl final : public PolicyControl {
 public:
  explicit FakeControl(double schedule_value = 1.0) : schedule_(schedule_value) {}

  double lr() const override { return schedule_ * factor_; }
  double factor() const override { return factor_; }
  void scale(double m, const std::string& kind, const std::string& message) override {
    const double before = lr();
    factor_ *= m;
    events.push_back({kind, before, lr(), message});
  }
  void set_lr(double target, const std::string& kind, const std::string& message) override {
    const double before = lr();
    factor_ = target / schedule_;
    events.push_back({kind, before, lr(), message});
  }
  void stop(const std::string& message) override {
    stopped = true;
    events.push_back({"stop", lr(), lr(), message});
  }
  void save_best() override { ++saves; }
  void restore_best(const std::string& message) override {
    ++restores;
    events.push_back({"restore_best", lr(), lr(), message});
  }
  void note(const std::string& kind, const std::string& message) override {
    events.push_back({kind, lr(), lr(), message});
  }

  void set_schedule(double v) { schedule_ = v; }

  std::vector<RecordedEvent> events;
  bool stopped = false;
  int saves = 0, restores = 0;

 private:
  double schedule_;
  double factor_ = 1.0;
};

// A policy from its JSON, validated and completed with defaults as a spec's would be; `spec` is
// also what the user wrote, for Params::given().
inline PolicyPtr policy(const Json& spec, std::int64_t total_steps = 1000, std::int64_t steps_per_epoch = 1) {
  static const Resolver resolver(static_catalog());
  const Json resolved = resolver.component(Kind::policy, spec, "/policies/0");
  return build_policy(resolver, resolved, "/policies/0", PolicyContext{1e-3, total_steps, steps_per_epoch}, &spec);
}

// Feed `values` of `metric` to after_eval, one evaluation per epoch; the rate after each.
inline std::vector<double> feed(Policy& p, FakeControl& ctl, const std::vector<double>& values,
                                const std::string& metric = "val_loss") {
  std::vector<double> rates;
  for (std::size_t k = 0; k < values.size() && !ctl.stopped; ++k) {
    Metrics m;
    m.set(metric, values[k]);
    const auto step = static_cast<std::int64_t>(k + 1);
    p.after_eval(EvalInfo{step, static_cast<std::int64_t>(k), m, ctl.lr()}, ctl);
    rates.push_back(ctl.lr());
  }
  return rates;
}

// Rates equal to `expected` up to rounding (a factor of 0.1 * 0.1 is not exactly 0.01).
inline auto rates_are(std::vector<double> expected) {
  return Catch::Matchers::Approx(std::move(expected)).epsilon(1e-12);
}

}  // namespace lrlab::test
