// early_stopping against Keras 3's EarlyStopping.on_epoch_end, worked out by hand:
//   wait += 1; improvement (x + min_delta < best) -> best = x, wait = 0 (if the baseline is beaten);
//   otherwise wait >= patience (and not the first evaluation) -> stop.
#include <catch2/catch.hpp>

#include "policies/checkpoint.hpp"
#include "policies/fake_control.hpp"
#include "policies/scripted_task.hpp"

using lrlab::Json;
using lrlab::test::FakeControl;
using lrlab::test::feed;
using lrlab::test::policy;
using Catch::Matchers::Contains;

namespace {
// The number of evaluations seen before the policy stopped the trial (all of them if it did not).
std::size_t evaluations_until_stop(const char* spec, const std::vector<double>& values, FakeControl& ctl) {
  auto p = policy(Json::parse(spec));
  return feed(*p, ctl, values).size();
}
}  // namespace

TEST_CASE("early_stopping: stops after `patience` evaluations without improvement", "[early_stopping]") {
  FakeControl ctl;
  // best 1.0, 0.8; 0.9 (wait 1), 0.85 (wait 2 >= 2): stop at the 4th evaluation.
  CHECK(evaluations_until_stop(R"({"type": "early_stopping", "patience": 2})", {1.0, 0.8, 0.9, 0.85, 0.5}, ctl) == 4);
  CHECK(ctl.stopped);
  REQUIRE(ctl.events.size() == 1);
  CHECK(ctl.events[0].kind == "stop");
  CHECK(ctl.events[0].message ==
        "val_loss 0.85 has not improved on best 0.8 (epoch 1) by more than min_delta 0 for 2 evaluations (patience 2); "
        "stopping");
}

TEST_CASE("early_stopping: min_delta, patience 0 and the first evaluation", "[early_stopping]") {
  FakeControl a, b, c;
  // min_delta 0.1: 0.95 is not an improvement on 1.0 (0.95 + 0.1 >= 1.0): wait 1 >= 1.
  CHECK(evaluations_until_stop(R"({"type": "early_stopping", "patience": 1, "min_delta": 0.1})", {1.0, 0.95, 0.5}, a) == 2);
  CHECK(evaluations_until_stop(R"({"type": "early_stopping", "patience": 1})", {1.0, 0.95, 0.5, 0.6}, b) == 4);
  // patience 0 never stops at the first evaluation (Keras: epoch > 0).
  CHECK(evaluations_until_stop(R"({"type": "early_stopping", "patience": 0})", {1.0, 1.0}, c) == 2);
  CHECK(c.stopped);
}

TEST_CASE("early_stopping: a baseline keeps wait running until it is beaten", "[early_stopping]") {
  FakeControl with, without;
  // With baseline 0.5 the first evaluation (0.9) is a best but does not reset wait: 0.95 makes wait 2 >= 2.
  CHECK(evaluations_until_stop(R"({"type": "early_stopping", "patience": 2, "baseline": 0.5})", {0.9, 0.95, 0.95}, with) == 2);
  CHECK_THAT(with.events.back().message, Contains("nor beaten the baseline 0.5"));
  CHECK(evaluations_until_stop(R"({"type": "early_stopping", "patience": 2})", {0.9, 0.95, 0.95}, without) == 3);
}

TEST_CASE("early_stopping: evaluations before start_from_epoch are ignored", "[early_stopping]") {
  FakeControl late, early;
  CHECK(evaluations_until_stop(R"({"type": "early_stopping", "patience": 1, "start_from_epoch": 3})",
                               {5, 6, 7, 1, 2, 3}, late) == 5);
  CHECK(evaluations_until_stop(R"({"type": "early_stopping", "patience": 1})", {5, 6, 7, 1, 2, 3}, early) == 2);
}

TEST_CASE("early_stopping: mode auto maximises accuracies and needs a direction for other names", "[early_stopping]") {
  auto p = policy(Json::parse(R"({"type": "early_stopping", "monitor": "val_accuracy", "patience": 1})"));
  FakeControl ctl;
  CHECK(feed(*p, ctl, {0.5, 0.6, 0.55}, "val_accuracy").size() == 3);
  CHECK(ctl.stopped);
  CHECK_THROWS_WITH(policy(Json::parse(R"({"type": "early_stopping", "monitor": "x"})")),
                    Contains("/policies/0/mode") && Contains("direction of `x` is unknown"));
}

TEST_CASE("early_stopping: restore_best restores before stopping, and at the end of the budget", "[early_stopping]") {
  FakeControl stop;
  CHECK(evaluations_until_stop(R"({"type": "early_stopping", "patience": 1, "restore_best_weights": true})",
                               {1.0, 0.5, 0.7}, stop) == 3);
  CHECK(stop.restores == 1);
  CHECK(stop.events[0].kind == "restore_best");
  CHECK(stop.events[0].message == "restoring the best parameters, from step 2 (epoch 1, val_loss 0.5)");
  CHECK_THAT(stop.events[1].message, Contains("final metrics are those of the restored best parameters"));
  // No stop, but the budget ends at the 3rd evaluation (step 3), whose parameters are not the best.
  auto p = policy(Json::parse(R"({"type": "early_stopping", "patience": 5, "restore_best": true})"), 3);
  FakeControl end;
  feed(*p, end, {1.0, 0.5, 0.7});
  CHECK_FALSE(end.stopped);
  CHECK(end.restores == 1);
  CHECK_THAT(end.events[0].message, Contains("end of training: restoring the best parameters, from step 2"));
}

// Through the core runner: the trial ends stopped_early and its final metrics are the best ones.
TEST_CASE("early_stopping: the core ends the trial with the best parameters' metrics", "[early_stopping][runner]") {
  const char* spec = R"({
    "task": {"type": "scripted", "val_loss": [1.0, 0.8, 0.5, 0.7, 0.9, 0.4]},
    "optimizer": {"learning_rate": 0.1},
    "policies": [{"type": "early_stopping", "patience": 2, "restore_best": true}],
    "budget": {"steps": 20}})";
  // Evaluated after every step: best 0.5 after step 3; 0.7, 0.9 -> wait 2: restore and stop after step 5.
  const auto rows = lrlab::test::run_first_trial(Json::parse(spec));
  CHECK(rows.outcome.status == "stopped_early");
  CHECK(rows.outcome.steps_done == 5);
  CHECK(rows.outcome.final_val_loss == 0.5);  // evaluated again at the restored parameters
  CHECK(rows.outcome.best_val_loss == 0.5);
  CHECK(rows.metric("val_loss") == std::vector<double>{1.0, 0.8, 0.5, 0.7, 0.9});
  REQUIRE(rows.events.size() == 2);
  CHECK(rows.events[0].kind == "restore_best");
  CHECK(rows.events[0].step == 5);
  CHECK(rows.events[0].message == "restoring the best parameters, from step 3 (epoch 2, val_loss 0.5)");
  CHECK(rows.events[1].kind == "stop");
  CHECK(rows.events[1].source == "early_stopping");

  Json plain = Json::parse(spec);
  plain["policies"][0]["restore_best"] = false;
  const auto kept = lrlab::test::run_first_trial(plain);
  CHECK(kept.outcome.status == "stopped_early");
  CHECK(kept.outcome.final_val_loss == 0.9);  // the last parameters
}

TEST_CASE("early_stopping: a checkpoint carries best, saved best, wait and the evaluation count",
          "[early_stopping][checkpoint]") {
  using namespace lrlab::test;
  // Improvements, a baseline not beaten at first, a warm-up epoch, and a stop with restore_best.
  const auto calls = evaluations({1.0, 0.8, 0.85, 0.7, 0.6, 0.65, 0.66, 0.67, 0.68, 0.69});
  for (const char* spec : {R"({"type": "early_stopping", "patience": 3, "restore_best": true, "start_from_epoch": 1})",
                           R"({"type": "early_stopping", "patience": 2, "baseline": 0.75, "min_delta": 0.01})"}) {
    CAPTURE(spec);
    CHECK(require_resumes_exactly(Json::parse(spec), calls) > 0);
  }
  // restore_best at the end of the budget (total_steps 10: the last evaluation is at step 10).
  CHECK(require_resumes_exactly(Json::parse(R"({"type": "early_stopping", "patience": 20, "restore_best": true})"), calls, 10) > 0);
}
