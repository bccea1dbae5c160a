#pragma once
// `lrlab new-plugin policy NAME`: a policy with state, "halve the rate when val_loss got worse
// since the previous evaluation", with a test that drives it through a fake PolicyControl.
#include <string_view>

namespace lrlab::cli::templates {

inline constexpr std::string_view policy_source = R"TPL(// @name@: after each evaluation, multiply the rate by `factor` when the monitored metric got worse
// than at the previous evaluation (a simple "bold driver" without the increase).
// A policy is per trial and may keep state (here the previous value); it never computes the rate
// itself but asks the core through PolicyControl, which applies the change and logs it as an event.
#include <memory>
#include <optional>
#include <string>

#include <lrlab/sdk.hpp>

namespace {

class HalveWhenWorse final : public lrlab::Policy {
 public:
  HalveWhenWorse(lrlab::Monitor monitor, double factor) : monitor_(std::move(monitor)), factor_(factor) {}

  void after_eval(const lrlab::EvalInfo& info, lrlab::PolicyControl& ctl) override {
    // The monitor throws, naming the metrics the task has, when the one asked for is missing.
    const double current = monitor_.value(info, "@name@");
    if (previous_ && monitor_.worse(current, *previous_, 0.0)) {
      const double lr = ctl.lr();
      // The message says why, with the numbers: it is stored in the events table.
      ctl.scale(factor_, "decrease", monitor_.metric() + " " + lrlab::message_number(*previous_) + " -> " +
                                         lrlab::message_number(current) + " got worse; lr " + lrlab::message_number(lr) +
                                         " -> " + lrlab::message_number(lr * factor_));
    }
    previous_ = current;
  }

  // The state that decides what comes next, for checkpoints: a trial paused here and resumed later
  // (or forked) gets it back and continues bit for bit.
  void persist(lrlab::StateArchive& a) override { a(previous_); }

 private:
  lrlab::Monitor monitor_;
  double factor_;
  std::optional<double> previous_;  // the metric at the previous evaluation: the policy's state
};

}  // namespace

void register_@name@(lrlab::Registry& registry) {
  registry.add_policy(
      {.name = "@name@",
       .summary = "multiply the rate by `factor` after an evaluation whose metric got worse",
       .formula = "x_k worse than x_{k-1}: lr <- lr * factor",
       .source = "the bold driver rule (Battiti 1989), decrease only",
       .notes = "The first evaluation only sets the reference. mode auto: metrics ending in loss are minimised, "
                "those containing acc maximised.",
       .params = {lrlab::Monitor::metric_param(), lrlab::Monitor::mode_param(),
                  lrlab::Param::real("factor", "multiplier when the metric got worse").def(0.5).above(0).below(1)},
       .example = lrlab::Json::parse(R"({"type": "@name@", "factor": 0.5})")},
      [](const lrlab::Params& p, const lrlab::PolicyContext&) -> lrlab::PolicyPtr {
        return std::make_unique<HalveWhenWorse>(lrlab::Monitor(p.string("monitor"), p.string("mode")), p.real("factor"));
      });
}

// The plugin's entry point: its name (the library is lrlab_@name@.so), its version, and the
// register function of each of its components (one here; add more to the list).
LRLAB_PLUGIN_COMPONENTS(@name@, "0.1.0", register_@name@);
)TPL";

inline constexpr std::string_view policy_test = R"TPL(// Tests of @name@, with the plugin linked into this binary (@name@_plugin_objects) and a fake
// PolicyControl standing in for the core.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <lrlab/sdk.hpp>

LRLAB_DECLARE_PLUGIN(@name@);

namespace {

// Records what the policy asks for; the effective rate is base * factor, as in the core.
class FakeControl final : public lrlab::PolicyControl {
 public:
  double base = 0.01;
  double f = 1.0;
  std::vector<std::string> events;

  double lr() const override { return base * f; }
  double factor() const override { return f; }
  void scale(double m, const std::string& kind, const std::string& msg) override {
    f *= m;
    events.push_back(kind + ": " + msg);
  }
  void set_lr(double lr, const std::string& kind, const std::string& msg) override {
    f = lr / base;
    events.push_back(kind + ": " + msg);
  }
  void stop(const std::string& msg) override { events.push_back("stop: " + msg); }
  void save_best() override {}
  void restore_best(const std::string& msg) override { events.push_back("restore: " + msg); }
  void note(const std::string& kind, const std::string& msg) override { events.push_back(kind + ": " + msg); }
};

lrlab::PolicyPtr make(lrlab::Json params) {
  lrlab::Registry r;
  lrlab_plugin_register_@name@(r);
  REQUIRE(r.components().size() == 1);
  return r.components().front().make_policy(lrlab::Params(std::move(params)), lrlab::PolicyContext{});
}

void evaluate(lrlab::Policy& p, FakeControl& ctl, double val_loss, std::int64_t step) {
  lrlab::Metrics m;
  m.set("val_loss", val_loss);
  p.after_eval(lrlab::EvalInfo{step, step / 10, m, ctl.lr()}, ctl);
}

}  // namespace

TEST_CASE("@name@ scales the rate after each evaluation that got worse, and only then") {
  auto policy = make({{"monitor", "val_loss"}, {"mode", "auto"}, {"factor", 0.5}});
  FakeControl ctl;
  const std::vector<double> losses{1.0, 0.8, 0.9, 0.7, 0.75, 0.75};
  for (std::size_t k = 0; k < losses.size(); ++k) evaluate(*policy, ctl, losses[k], static_cast<std::int64_t>(k) * 10);
  REQUIRE(ctl.events.size() == 2);  // 0.8 -> 0.9 and 0.7 -> 0.75; equal is not worse
  CHECK(ctl.f == 0.25);
  CHECK(ctl.events[0] == "decrease: val_loss 0.8 -> 0.9 got worse; lr 0.01 -> 0.005");
}

TEST_CASE("@name@ keeps its state per trial: a new policy starts without a reference") {
  FakeControl ctl;
  auto first = make({{"monitor", "val_loss"}, {"mode", "auto"}, {"factor", 0.5}});
  evaluate(*first, ctl, 1.0, 0);
  auto second = make({{"monitor", "val_loss"}, {"mode", "auto"}, {"factor", 0.5}});
  evaluate(*second, ctl, 2.0, 0);  // worse than the other trial's 1.0, but that is not its history
  CHECK(ctl.events.empty());
}

TEST_CASE("@name@ says which metric is missing, and which there are") {
  auto policy = make({{"monitor", "val_accuracy"}, {"mode", "auto"}, {"factor", 0.5}});
  FakeControl ctl;
  CHECK_THROWS_WITH(evaluate(*policy, ctl, 1.0, 0),
                    Catch::Contains("no metric `val_accuracy`") && Catch::Contains("(it has: val_loss)"));
}

TEST_CASE("@name@ resumes from a checkpoint as if it had never stopped") {
  const lrlab::Json params{{"monitor", "val_loss"}, {"mode", "auto"}, {"factor", 0.5}};
  auto running = make(params);
  FakeControl ctl;
  evaluate(*running, ctl, 1.0, 0);  // the reference for the next evaluation
  auto saved = lrlab::StateArchive::saving();
  running->persist(saved);

  auto resumed = make(params);  // a new trial object, as after a restart
  auto loading = lrlab::StateArchive::loading(saved.bytes());
  resumed->persist(loading);
  CHECK(loading.at_end());
  FakeControl ctl_resumed = ctl;
  evaluate(*running, ctl, 2.0, 10);
  evaluate(*resumed, ctl_resumed, 2.0, 10);  // worse than 1.0: only known from the checkpoint
  CHECK(ctl_resumed.events == ctl.events);
  CHECK(ctl_resumed.f == 0.5);
}
)TPL";

inline constexpr std::string_view policy_experiment = R"TPL({
  "name": "@name@",
  "description": "The @name@ policy on a quadratic with a learning rate large enough to overshoot, for two factors.",
  "seed": 1,
  "repeats": 1,
  "task": {"type": "quadratic", "curvatures": [1, 10], "initial": [1, 1], "steps_per_epoch": 10},
  "optimizer": {"type": "adam", "learning_rate": 0.5},
  "schedule": {"type": "constant"},
  "policies": [{"type": "@name@", "factor": 0.5}],
  "budget": {"epochs": 20},
  "evaluate": {"every_epochs": 1},
  "grid": {"policies.0.factor": [0.5, 0.8]}
}
)TPL";

}  // namespace lrlab::cli::templates
