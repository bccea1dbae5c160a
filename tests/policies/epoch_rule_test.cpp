// epoch_rule: Keras's LearningRateScheduler(schedule(epoch, lr)) with a rule table, run in the core.
#include <catch2/catch.hpp>

#include <cmath>

#include "policies/checkpoint.hpp"
#include "policies/fake_control.hpp"
#include "policies/scripted_task.hpp"

using lrlab::Json;
using lrlab::test::policy;
using lrlab::test::run_first_trial;
using Catch::Matchers::Contains;

namespace {
// 2 updates per epoch, 12 epochs, base rate 1e-3; the rate of the first update of each epoch.
std::vector<double> epoch_rates(const char* rules) {
  const auto rows = run_first_trial(Json::parse(std::string(R"({
    "task": {"type": "scripted", "val_loss": [1.0], "steps_per_epoch": 2},
    "optimizer": {"learning_rate": 0.001}, "budget": {"epochs": 12},
    "policies": [{"type": "epoch_rule", "rules": )") + rules + "}]}"));
  std::vector<double> r;
  for (int e = 0; e < 12; ++e) {
    CHECK(rows.lr(2 * e + 1) == rows.lr(2 * e));  // constant within the epoch
    r.push_back(rows.lr(2 * e));
  }
  return r;
}
}  // namespace

TEST_CASE("epoch_rule: multiply compounds every epoch, as Keras's schedule(epoch, lr) does", "[epoch_rule][runner]") {
  // The article's callback: lr unchanged before epoch 5, "x0.1" for epochs 5-9, "x0.01" after. Each epoch's
  // rule multiplies the CURRENT rate: 1e-3 down to 1e-8 at epoch 9 (1e-5 x base, not 0.1 x), then 100x per epoch.
  const auto r = epoch_rates(R"([{"until_epoch": 5, "multiply": 1.0}, {"until_epoch": 10, "multiply": 0.1},
                                 {"multiply": 0.01}])");
  const std::vector<double> expected{1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-10, 1e-12};
  CHECK_THAT(r, Catch::Matchers::Approx(expected).epsilon(1e-12));
  CHECK(r[9] / r[4] == Approx(1e-5));
}

TEST_CASE("epoch_rule: set gives a fixed rate per range", "[epoch_rule][runner]") {
  const auto r = epoch_rates(R"([{"until_epoch": 5, "set": 0.001}, {"until_epoch": 10, "set": 0.0001}, {"set": 1e-5}])");
  const std::vector<double> expected{1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 1e-4, 1e-4, 1e-4, 1e-4, 1e-4, 1e-5, 1e-5};
  CHECK_THAT(r, Catch::Matchers::Approx(expected).epsilon(1e-12));
}

TEST_CASE("epoch_rule: events name the epoch and the rule, unchanged rates log nothing", "[epoch_rule][runner]") {
  const auto rows = run_first_trial(Json::parse(R"({
    "task": {"type": "scripted", "val_loss": [1.0], "steps_per_epoch": 2},
    "optimizer": {"learning_rate": 0.001}, "budget": {"epochs": 7},
    "policies": [{"type": "epoch_rule", "rules": [{"until_epoch": 5, "multiply": 1.0}, {"multiply": 0.1}]}]})"));
  REQUIRE(rows.events.size() == 2);  // epochs 5 and 6
  CHECK(rows.events[0].step == 10);
  CHECK(rows.events[0].epoch == 5);
  CHECK(rows.events[0].source == "epoch_rule");
  CHECK(rows.events[0].message == "epoch 5 starts, rule 1 (multiply 0.1); lr 0.001 -> 0.0001");
}

TEST_CASE("epoch_rule: rules are checked before the run", "[epoch_rule]") {
  auto bad = [](const char* rules) {
    return policy(Json::parse(std::string(R"({"type": "epoch_rule", "rules": )") + rules + "}"));
  };
  CHECK_THROWS_WITH(bad("[]"), Contains("/policies/0/rules") && Contains("non-empty list"));
  CHECK_THROWS_WITH(bad(R"([{"until_epoch": 5}])"), Contains("rule 0 needs exactly one of \"multiply\" and \"set\""));
  CHECK_THROWS_WITH(bad(R"([{"until_epoch": 5, "multiply": 0.1, "set": 0.1}])"), Contains("exactly one"));
  CHECK_THROWS_WITH(bad(R"([{"until_epoch": 5, "multiply": -1}])"), Contains("a number > 0 for \"multiply\""));
  CHECK_THROWS_WITH(bad(R"([{"until_epoch": 5, "multiply": 1}, {"until_epoch": 5, "multiply": 0.1}])"),
                    Contains("rule 1 must have an until_epoch greater than the previous rule's (5)"));
  CHECK_THROWS_WITH(bad(R"([{"multiply": 1}, {"until_epoch": 5, "multiply": 0.1}])"),
                    Contains("rule 0 leaves until_epoch out, which only the last rule may do"));
  CHECK_THROWS_WITH(bad(R"([{"until": 5, "multiply": 1}])"), Contains("unknown key \"until\""));
  CHECK_THROWS_WITH(bad(R"([{"until_epoch": 2.5, "multiply": 1}])"), Contains("integer until_epoch >= 1"));
  CHECK_THROWS_WITH(bad(R"({"multiply": 1})"), Contains("Received: rules={\"multiply\":1}"));
}

TEST_CASE("epoch_rule: a checkpoint inside an epoch does not fire that epoch's rule again", "[epoch_rule][checkpoint]") {
  using namespace lrlab::test;
  // 3 steps per epoch: a fresh policy resumed at the second step of an epoch would apply the
  // epoch's multiply a second time; the checkpoint's last_epoch prevents it.
  const auto spec = Json::parse(R"({"type": "epoch_rule", "rules": [{"until_epoch": 1, "multiply": 1.0},
      {"until_epoch": 3, "multiply": 0.5}, {"set": 0.01}]})");
  CHECK(require_resumes_exactly(spec, step_starts(15, 3), 15, 3) > 0);
}
