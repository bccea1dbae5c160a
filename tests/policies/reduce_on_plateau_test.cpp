// reduce_on_plateau against rate sequences worked out by hand from PyTorch's ReduceLROnPlateau.step:
//   better ? (best = x, bad = 0) : bad += 1;  in cooldown: cooldown -= 1, bad = 0;
//   bad > patience: lr = max(lr * factor, min_lr) unless lr - that <= eps; cooldown = cooldown; bad = 0
#include <catch2/catch.hpp>

#include "policies/checkpoint.hpp"
#include "policies/fake_control.hpp"
#include "policies/scripted_task.hpp"

using lrlab::Json;
using lrlab::test::FakeControl;
using lrlab::test::feed;
using lrlab::test::policy;
using lrlab::test::rates_are;
using Catch::Matchers::Contains;

namespace {
std::vector<double> rates(const char* spec, const std::vector<double>& values, const std::string& metric = "val_loss") {
  auto p = policy(Json::parse(spec));
  FakeControl ctl;
  return feed(*p, ctl, values, metric);
}
}  // namespace

TEST_CASE("reduce_on_plateau: reduces after patience + 1 bad evaluations, counts from each new best",
          "[reduce_on_plateau]") {
  // best 1.0, 0.9; 0.95 0.92 0.91 are bad 1 2 3 > 2: halve; new best 0.85; 0.86 0.87 0.88: halve again.
  CHECK_THAT(rates(R"({"type": "reduce_on_plateau", "factor": 0.5, "patience": 2})",
              {1.0, 0.9, 0.95, 0.92, 0.91, 0.85, 0.86, 0.87, 0.88}), rates_are({1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25}));
}

TEST_CASE("reduce_on_plateau: rel and abs thresholds disagree on a small improvement", "[reduce_on_plateau]") {
  // best 10, threshold 0.01: rel needs x < 9.9, abs needs x < 9.99; 9.95 is only an abs improvement.
  const std::vector<double> v{10.0, 9.95, 9.95};
  CHECK_THAT(rates(R"({"type": "reduce_on_plateau", "patience": 0, "threshold": 0.01})", v), rates_are({1, 0.1, 0.01}));
  CHECK_THAT(rates(R"({"type": "reduce_on_plateau", "patience": 0, "threshold": 0.01, "threshold_mode": "abs"})", v), rates_are({1, 1, 0.1}));
  // The default rel threshold 1e-4: 0.99995 is not below 1 * (1 - 1e-4) = 0.9999.
  CHECK_THAT(rates(R"({"type": "reduce_on_plateau", "patience": 0})", {1.0, 0.99995}), rates_are({1, 0.1}));
}

TEST_CASE("reduce_on_plateau: Keras's min_delta is an absolute threshold", "[reduce_on_plateau]") {
  CHECK_THAT(rates(R"({"type": "reduce_on_plateau", "patience": 0, "min_delta": 0.01})", {10.0, 9.95, 9.95}), rates_are({1, 1, 0.1}));
  CHECK_THROWS_WITH(policy(Json::parse(R"({"type": "reduce_on_plateau", "min_delta": 0.01, "threshold": 0.05})")),
                    Contains("/policies/0/min_delta") && Contains("replaces `threshold` and `threshold_mode`"));
  CHECK_THROWS_WITH(policy(Json::parse(R"({"type": "reduce_on_plateau", "min_delta": 0.01, "threshold_mode": "abs"})")),
                    Contains("/policies/0/min_delta"));
}

TEST_CASE("reduce_on_plateau: cooldown ignores bad evaluations after a reduction", "[reduce_on_plateau]") {
  // patience 0, cooldown 2, a constant metric: reduce at 1; evaluations 2, 3 are cooldown; reduce at 4; ... 7.
  CHECK_THAT(rates(R"({"type": "reduce_on_plateau", "factor": 0.5, "patience": 0, "cooldown": 2})",
              {1, 1, 1, 1, 1, 1, 1, 1}), rates_are({1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125}));
}

TEST_CASE("reduce_on_plateau: min_lr bounds the reduced rate, then reductions stop", "[reduce_on_plateau]") {
  auto p = policy(Json::parse(R"({"type": "reduce_on_plateau", "patience": 0, "min_lr": 0.05})"));
  FakeControl ctl;
  // 1 -> max(0.1, 0.05) = 0.1 -> max(0.01, 0.05) = 0.05 -> max(0.005, 0.05) = 0.05: a change of 0 <= eps, skipped.
  CHECK_THAT(feed(*p, ctl, {1, 1, 1, 1}), rates_are({1, 0.1, 0.05, 0.05}));
  REQUIRE(ctl.events.size() == 3);
  CHECK(ctl.events[0].kind == "reduce");
  CHECK(ctl.events[1].kind == "reduce");
  CHECK_THAT(ctl.events[1].message, Contains("(min_lr)"));
  CHECK(ctl.events[2].kind == "reduce_skipped");
  CHECK_THAT(ctl.events[2].message, Contains("eps 1e-08") && Contains("min_lr 0.05") && Contains("left unchanged"));
}

TEST_CASE("reduce_on_plateau: reductions of at most eps are skipped", "[reduce_on_plateau]") {
  // 1 -> 0.5 (a change of 0.5 > 0.3); 0.5 -> 0.25 would change it by 0.25 <= 0.3: skipped, every time.
  CHECK_THAT(rates(R"({"type": "reduce_on_plateau", "factor": 0.5, "patience": 0, "eps": 0.3})", {1, 1, 1, 1}), rates_are({1, 0.5, 0.5, 0.5}));
}

TEST_CASE("reduce_on_plateau: mode max watches a metric that should grow", "[reduce_on_plateau]") {
  // rel threshold 0.01: best 0.5, 0.6 (> 0.505); 0.605 is not > 0.606: bad 1; 0.7 best; 0.69, 0.70 (not > 0.707):
  // bad 1, 2 > patience 1: halve.
  CHECK_THAT(rates(R"({"type": "reduce_on_plateau", "monitor": "val_accuracy", "mode": "max", "factor": 0.5,
                  "patience": 1, "threshold": 0.01})",
              {0.5, 0.6, 0.605, 0.7, 0.69, 0.70}, "val_accuracy"), rates_are({1, 1, 1, 1, 1, 0.5}));
}

TEST_CASE("reduce_on_plateau: the event gives the reason with its numbers", "[reduce_on_plateau]") {
  auto p = policy(Json::parse(R"({"type": "reduce_on_plateau", "factor": 0.5, "patience": 2})"));
  FakeControl ctl(0.01);
  feed(*p, ctl, {0.4101, 0.4132, 0.4120, 0.4110});
  REQUIRE(ctl.events.size() == 1);
  CHECK(ctl.events[0].old_lr == 0.01);
  CHECK(ctl.events[0].new_lr == 0.005);
  CHECK(ctl.events[0].message ==
        "val_loss 0.411 did not improve on best 0.4101 (rel threshold 0.0001) for 3 evaluations (patience 2); "
        "lr 0.01 -> 0.005");
}

TEST_CASE("reduce_on_plateau: a missing monitored metric fails the trial with its name", "[reduce_on_plateau]") {
  auto p = policy(Json::parse(R"({"type": "reduce_on_plateau", "monitor": "val_accuracy"})"));
  FakeControl ctl;
  CHECK_THROWS_WITH(feed(*p, ctl, {1.0}), Contains("no metric `val_accuracy`"));
}

TEST_CASE("reduce_on_plateau: bad parameters are rejected with the pointer", "[reduce_on_plateau]") {
  CHECK_THROWS_WITH(policy(Json::parse(R"({"type": "reduce_on_plateau", "factor": 1.0})")),
                    Contains("/policies/0/factor") && Contains("must be in (0, 1)"));
  CHECK_THROWS_WITH(policy(Json::parse(R"({"type": "reduce_on_plateau", "mode": "auto"})")),
                    Contains("/policies/0/mode"));
  CHECK_THROWS_WITH(policy(Json::parse(R"({"type": "reduce_on_plateau", "patiance": 3})")),
                    Contains("did you mean patience?"));
}

// Through the core runner: the effective rate is schedule(t) x the policy's factor.
TEST_CASE("reduce_on_plateau: composes with a decaying schedule in the core runner", "[reduce_on_plateau][runner]") {
  // 2 updates per epoch, evaluated after each epoch (steps 2, 4, ...); val_loss 1, 0.9, 0.9, 0.8, 0.8:
  // bad at the evaluations after steps 6 and 10 -> factor 0.5 from update 6, 0.25 from update 10; the script's
  // last value repeats, so the evaluation after the last update (step 12) is bad too and reduces once more.
  const auto rows = lrlab::test::run_first_trial(Json::parse(R"({
    "task": {"type": "scripted", "val_loss": [1.0, 0.9, 0.9, 0.8, 0.8], "steps_per_epoch": 2},
    "optimizer": {"learning_rate": 0.01},
    "schedule": {"type": "cosine_decay", "decay_steps": 12},
    "policies": [{"type": "reduce_on_plateau", "factor": 0.5, "patience": 0}],
    "budget": {"steps": 12}})"));
  REQUIRE(rows.outcome.status == "completed");
  const auto cosine = [](int t) { return 0.01 * 0.5 * (1 + std::cos(M_PI * t / 12.0)); };
  for (int t = 0; t < 12; ++t) {
    const double f = t < 6 ? 1.0 : t < 10 ? 0.5 : 0.25;
    CHECK(rows.lr(t) == Approx(cosine(t) * f).epsilon(1e-12));
  }
  REQUIRE(rows.events.size() == 3);
  CHECK(rows.events[0].step == 6);
  CHECK(rows.events[0].source == "reduce_on_plateau");
  CHECK(rows.events[0].old_lr == Approx(cosine(6)).epsilon(1e-12));
  CHECK(rows.events[0].new_lr == Approx(cosine(6) * 0.5).epsilon(1e-12));
  CHECK(rows.events[1].step == 10);
  CHECK(rows.events[1].new_lr == Approx(cosine(10) * 0.25).epsilon(1e-12));
  CHECK(rows.events[2].step == 12);
}

TEST_CASE("reduce_on_plateau: a checkpoint carries best, bad count and cooldown, a fresh policy continues bit for bit",
          "[reduce_on_plateau][checkpoint]") {
  using namespace lrlab::test;
  // New bests, bad runs that reduce (patience 1), a cooldown of 1 after each reduction, and a
  // reduction blocked by min_lr: every member of the state decides something in this script.
  const auto calls = evaluations({1.0, 0.9, 0.95, 0.92, 0.91, 0.85, 0.86, 0.87, 0.88, 0.80, 0.81, 0.82, 0.83, 0.84, 0.85});
  for (const char* spec : {R"({"type": "reduce_on_plateau", "factor": 0.5, "patience": 1, "cooldown": 1, "min_lr": 0.1})",
                           R"({"type": "reduce_on_plateau", "mode": "max", "patience": 0, "threshold": 0.01, "threshold_mode": "abs"})"}) {
    CAPTURE(spec);
    CHECK(require_resumes_exactly(Json::parse(spec), calls) > 0);
  }
}

TEST_CASE("reduce_on_plateau: min_delta with a threshold the user wrote is refused, even at the default value",
          "[reduce_on_plateau][given]") {
  // Params::given(): threshold 1e-4 is its default, but written out it conflicts with min_delta.
  CHECK_THROWS_WITH(policy(Json::parse(R"({"type": "reduce_on_plateau", "min_delta": 0.01, "threshold": 1e-4})")),
                    Contains("/policies/0/min_delta") && Contains("replaces `threshold`"));
  CHECK_THROWS_WITH(policy(Json::parse(R"({"type": "reduce_on_plateau", "min_delta": 0.01, "threshold_mode": "rel"})")),
                    Contains("/policies/0/min_delta"));
  // Rebuilt from its resolved form alone (a trial read back from the database: no declared object),
  // a value equal to its default counts as defaulted, so an accepted spec still builds.
  const lrlab::Resolver resolver(lrlab::test::static_catalog());
  const Json resolved = resolver.component(lrlab::Kind::policy, Json::parse(R"({"type": "reduce_on_plateau", "min_delta": 0.01})"),
                                           "/policies/0");
  CHECK(resolved.contains("threshold"));
  CHECK(build_policy(resolver, resolved, "/policies/0", lrlab::PolicyContext{}) != nullptr);
}
