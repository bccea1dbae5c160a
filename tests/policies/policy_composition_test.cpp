// Several policies and a schedule in the core runner: the rate is schedule(t) x f_1 x f_2, each
// policy acts on its own factor, and events come in the order the policies are listed.
#include <catch2/catch.hpp>

#include <cmath>

#include "policies/scripted_task.hpp"

using lrlab::Json;
using lrlab::test::run_first_trial;

TEST_CASE("composition: two policies and a schedule multiply", "[composition][runner]") {
  // exponential_decay 0.01 * 0.5^(t/4); evaluations after updates 2, 4, ...: reduce_on_plateau (patience 0)
  // halves after the one at step 4 (1.0, not better than 1.0); periodic_decay x0.1 before updates 4 and 8.
  const auto rows = run_first_trial(Json::parse(R"({
    "task": {"type": "scripted", "val_loss": [1.0, 1.0, 0.9, 0.8, 0.7]},
    "optimizer": {"learning_rate": 0.01},
    "schedule": {"type": "exponential_decay", "decay_steps": 4, "decay_rate": 0.5},
    "policies": [{"type": "reduce_on_plateau", "factor": 0.5, "patience": 0},
                 {"type": "periodic_decay", "every": 4, "factor": 0.1}],
    "evaluate": {"every_steps": 2},
    "budget": {"steps": 10}})"));
  REQUIRE(rows.outcome.status == "completed");
  for (int t = 0; t < 10; ++t) {
    const double schedule = 0.01 * std::pow(0.5, t / 4.0);
    const double plateau = t < 4 ? 1.0 : 0.5;
    const double periodic = t < 4 ? 1.0 : t < 8 ? 0.1 : 0.01;
    CHECK(rows.lr(t) == Approx(schedule * plateau * periodic).epsilon(1e-12));
  }
  // After update 3: the evaluation (step 4) runs reduce_on_plateau, then before update 4 periodic_decay acts.
  REQUIRE(rows.events.size() == 3);
  CHECK(rows.events[0].source == "reduce_on_plateau");
  CHECK(rows.events[0].step == 4);
  CHECK(rows.events[0].old_lr == Approx(0.005).epsilon(1e-12));
  CHECK(rows.events[0].new_lr == Approx(0.0025).epsilon(1e-12));
  CHECK(rows.events[1].source == "periodic_decay");
  CHECK(rows.events[1].step == 4);
  CHECK(rows.events[1].old_lr == Approx(0.0025).epsilon(1e-12));
  CHECK(rows.events[1].new_lr == Approx(0.00025).epsilon(1e-12));
  CHECK(rows.events[2].step == 8);
}

TEST_CASE("composition: min_lr of a plateau policy bounds the effective rate of everything before it",
          "[composition][runner]") {
  // periodic_decay listed first takes the rate to 0.001 before update 0; the plateau policy's min_lr 0.0008
  // then allows only 0.001 -> 0.0008, not 0.0005.
  const auto rows = run_first_trial(Json::parse(R"({
    "task": {"type": "scripted", "val_loss": [1.0, 1.0, 1.0]},
    "optimizer": {"learning_rate": 0.01},
    "policies": [{"type": "periodic_decay", "every": 100, "factor": 0.1, "first_at": 0},
                 {"type": "reduce_on_plateau", "factor": 0.5, "patience": 0, "min_lr": 0.0008}],
    "budget": {"steps": 3}})"));
  CHECK(rows.lr(0) == Approx(0.001));
  CHECK(rows.lr(1) == Approx(0.001));
  CHECK(rows.lr(2) == Approx(0.0008));
}
