#pragma once
// `lrlab new-plugin policy NAME`: a policy named NAME, neutral: after each evaluation it reads the
// monitored metric and keeps the previous value as its state (checkpointed), and changes nothing
// until its author writes the rule. Its summary, formula and source say TODO, and its test has an
// empty script of decisions to write out by hand: the scaffold's own test fails until both are
// filled in (docs/writing-plugins.md). docs/examples/plugins/halve_on_worse is a filled-in one.
#include <string_view>

namespace lrlab::cli::templates {

inline constexpr std::string_view policy_source = R"TPL(// @name@: TODO say what the policy does: after which evaluations it changes the rate, and how.
// A policy is per trial and may keep state (here the previous value of the metric); it never
// computes the rate itself but asks the core through PolicyControl (scale, set_lr, stop, ...),
// which applies the change and stores it in the events table with the message given.
#include <memory>
#include <optional>
#include <string>

#include <lrlab/sdk.hpp>

namespace {

class Rule final : public lrlab::Policy {
 public:
  Rule(lrlab::Monitor monitor, double factor) : monitor_(std::move(monitor)), factor_(factor) {}

  void after_eval(const lrlab::EvalInfo& info, lrlab::PolicyControl& ctl) override {
    // The monitor throws, naming the metrics the task has, when the one asked for is missing.
    const double current = monitor_.value(info, "@name@");
    // TODO: decide from `current` and the state kept (previous_) whether to act, e.g.
    //   if (previous_ && monitor_.worse(current, *previous_, 0.0))
    //     ctl.scale(factor_, "decrease", "why, with the numbers (lrlab::message_number)");
    // As written, it changes nothing.
    (void)ctl;
    (void)factor_;
    previous_ = current;
  }

  // The state that decides what comes next, for checkpoints: a trial paused here and resumed later
  // (or forked) gets it back and continues bit for bit. TODO: list every member that changes.
  void persist(lrlab::StateArchive& a) override { a(previous_); }

 private:
  lrlab::Monitor monitor_;
  double factor_;
  std::optional<double> previous_;  // the metric at the previous evaluation
};

}  // namespace

void register_@name@(lrlab::Registry& registry) {
  registry.add_policy(
      {.name = "@name@",
       // What `lrlab plugins` and `lrlab describe @name@` show. @name@_test.cpp fails while any says TODO.
       .summary = "TODO: what @name@ does, in one line",
       .formula = "TODO: the rule, e.g. x_k worse than x_{k-1}: lr <- lr * factor",
       .source = "TODO: where it comes from (a paper, a library's callback)",
       .notes = "mode auto: metrics ending in loss are minimised, those containing acc maximised.",
       // TODO: the parameters the rule needs, each with its type, default, range and meaning.
       .params = {lrlab::Monitor::metric_param(), lrlab::Monitor::mode_param(),
                  lrlab::Param::real("factor", "multiplier of the rate when the rule acts").def(0.5).above(0)},
       .example = lrlab::Json::parse(R"({"type": "@name@"})")},
      [](const lrlab::Params& p, const lrlab::PolicyContext&) -> lrlab::PolicyPtr {
        return std::make_unique<Rule>(lrlab::Monitor(p.string("monitor"), p.string("mode")), p.real("factor"));
      });
}

// The plugin's entry point: its name (the library is lrlab_@name@.so), its version, and the
// register function of each of its components (one here; add more to the list).
LRLAB_PLUGIN_COMPONENTS(@name@, "0.1.0", register_@name@);
)TPL";

inline constexpr std::string_view policy_test = R"TPL(// Tests of @name@, with the plugin linked into this binary (@name@_plugin_objects) and a fake
// PolicyControl standing in for the core. Two of them fail until @name@ is filled in: its summary,
// formula and source, and the script of decisions below.
#include <lrlab/catch2.hpp>

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

TEST_CASE("@name@ says what it is: no TODO left in its summary, formula and source") {
  lrlab::Registry r;
  lrlab_plugin_register_@name@(r);
  const auto& c = r.components().front();
  for (const std::string& text : {c.summary, c.formula, c.source}) {
    INFO("fill in @name@.cpp's summary, formula and source: " << text);
    CHECK(text.find("TODO") == std::string::npos);
  }
}

TEST_CASE("@name@ acts as its rule says on a script of evaluations, written out by hand") {
  auto policy = make({{"monitor", "val_loss"}, {"mode", "auto"}, {"factor", 0.5}});
  FakeControl ctl;
  // TODO: a sequence of val_loss values that exercises the rule, and the events it must produce
  // (kind: message), worked out by hand.
  const std::vector<double> losses{1.0, 0.8, 0.9, 0.7};
  const std::vector<std::string> expected_events{};  // e.g. {"decrease: val_loss 0.8 -> 0.9 got worse; ..."}
  INFO("write the expected decisions of @name@ in @name@_test.cpp");
  REQUIRE_FALSE(expected_events.empty());
  for (std::size_t k = 0; k < losses.size(); ++k) evaluate(*policy, ctl, losses[k], static_cast<std::int64_t>(k) * 10);
  CHECK(ctl.events == expected_events);
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
  for (const double v : {1.0, 0.8, 0.9}) evaluate(*running, ctl, v, 0);
  auto saved = lrlab::StateArchive::saving();
  running->persist(saved);

  auto resumed = make(params);  // a new trial object, as after a restart
  auto loading = lrlab::StateArchive::loading(saved.bytes());
  resumed->persist(loading);
  CHECK(loading.at_end());
  FakeControl ctl_resumed = ctl;
  for (const double v : {2.0, 0.5, 0.6}) {
    evaluate(*running, ctl, v, 10);
    evaluate(*resumed, ctl_resumed, v, 10);
  }
  CHECK(ctl_resumed.events == ctl.events);
  CHECK(ctl_resumed.f == ctl.f);
}
)TPL";

inline constexpr std::string_view policy_experiment = R"TPL({
  "name": "@name@",
  "description": "The @name@ policy on a quadratic with a learning rate large enough to overshoot, for two factors. TODO: sweep its own parameters.",
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
