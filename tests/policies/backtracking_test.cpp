// backtracking: worse than the best -> back to the best parameters and Adam state, rate x factor.
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

TEST_CASE("backtracking: restores and halves on each worse evaluation, up to max_backtracks", "[backtracking]") {
  auto p = policy(Json::parse(R"({"type": "backtracking", "factor": 0.5, "max_backtracks": 2})"));
  FakeControl ctl;
  // bests 1.0, 0.8; 0.9 and 0.85 are worse: two backtracks; best 0.7; 0.75, 0.72 worse but the limit is reached.
  CHECK_THAT(feed(*p, ctl, {1.0, 0.8, 0.9, 0.85, 0.7, 0.75, 0.72}), rates_are({1, 1, 0.5, 0.25, 0.25, 0.25, 0.25}));
  CHECK(ctl.saves == 3);
  CHECK(ctl.restores == 2);
  REQUIRE(ctl.events.size() == 5);
  CHECK(ctl.events[0].kind == "restore_best");
  CHECK(ctl.events[0].message ==
        "val_loss 0.9 is worse than best 0.8 (step 2); back to the parameters and Adam state of step 2 (backtrack 1 of 2)");
  CHECK(ctl.events[1].kind == "backtrack");
  CHECK_THAT(ctl.events[1].message, Contains("lr 1 -> 0.5"));
  CHECK(ctl.events[3].kind == "backtrack");
  CHECK(ctl.events[4].kind == "limit");
  CHECK_THAT(ctl.events[4].message, Contains("max_backtracks 2 reached"));
}

TEST_CASE("backtracking: an evaluation that is neither a new best nor worse does nothing", "[backtracking]") {
  auto p = policy(Json::parse(R"({"type": "backtracking", "min_delta": 0.1})"));
  FakeControl ctl;
  // 0.95 improves on 1.0 by less than min_delta (not a new best) and is not worse: nothing happens.
  CHECK_THAT(feed(*p, ctl, {1.0, 0.95, 1.0, 1.01}), rates_are({1, 1, 1, 0.5}));
  CHECK(ctl.saves == 1);
}

TEST_CASE("backtracking: the core goes back to the best parameters", "[backtracking][runner]") {
  // Evaluated after every update (lr 0.1, gradient -1: x grows by ~0.1 per update): best 0.8 at x ~ 0.2
  // (step 2); 0.9 at step 3 is worse: back to x ~ 0.2 and lr 0.05, so the evaluation after step 4 sees x ~ 0.25.
  const auto rows = lrlab::test::run_first_trial(Json::parse(R"({
    "task": {"type": "scripted", "val_loss": [1.0, 0.8, 0.9, 0.7]},
    "optimizer": {"learning_rate": 0.1},
    "policies": [{"type": "backtracking", "factor": 0.5}],
    "budget": {"steps": 4}})"));
  REQUIRE(rows.outcome.status == "completed");
  const auto x = rows.metric("x");
  REQUIRE(x.size() == 4);
  CHECK(x[1] == Approx(0.2).epsilon(1e-6));
  CHECK(x[2] == Approx(0.3).epsilon(1e-6));
  CHECK(x[3] == Approx(0.25).epsilon(1e-6));
  CHECK(rows.lr(2) == 0.1);
  CHECK(rows.lr(3) == 0.05);
  REQUIRE(rows.events.size() == 2);
  CHECK(rows.events[0].kind == "restore_best");
  CHECK(rows.events[0].step == 3);
  CHECK(rows.events[1].kind == "backtrack");
  CHECK(rows.events[1].old_lr == 0.1);
  CHECK(rows.events[1].new_lr == 0.05);
}

TEST_CASE("backtracking: a checkpoint carries the best, the backtrack count and the limit note",
          "[backtracking][checkpoint]") {
  using namespace lrlab::test;
  // Two backtracks allowed: the third worsening is noted once, the fourth silently ignored.
  const auto calls = evaluations({1.0, 0.9, 1.1, 0.8, 0.85, 0.7, 0.75, 0.72, 0.71, 0.9});
  CHECK(require_resumes_exactly(Json::parse(R"({"type": "backtracking", "factor": 0.5, "max_backtracks": 2})"), calls) > 0);
}
