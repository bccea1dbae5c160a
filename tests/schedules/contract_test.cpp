// The contract every registered schedule keeps (schedule.hpp), checked on each component's own
// `example`: the example is valid, and the schedule is finite, non-negative, deterministic and
// pure (the value of a step does not depend on which steps were asked before), for lr and beta_1.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "schedule_checks.hpp"

using lrlab::Json;
using lrlab::test::schedule;

namespace {
struct Point {
  double lr;
  std::optional<double> beta_1;
};

std::vector<Point> visit(const lrlab::Schedule& s, const std::vector<std::int64_t>& steps) {
  std::vector<Point> out;
  for (const auto t : steps) out.push_back({s.value(t), s.beta_1(t)});
  return out;
}
}  // namespace

TEST_CASE("contract: every registered schedule's example is finite, non-negative, deterministic and pure", "[contract]") {
  const auto& catalog = lrlab::test::static_catalog();
  std::size_t checked = 0;
  for (const auto* c : catalog.components()) {
    if (c->kind != lrlab::Kind::schedule) continue;
    ++checked;
    INFO("schedule " << c->name << ", example " << c->example.dump());
    REQUIRE(c->example.is_object());
    CHECK(c->example.value("type", "") == c->name);
    CHECK_FALSE(c->formula.empty());
    CHECK_FALSE(c->source.empty());

    // Steps around the start, a wide sweep, and far past any budget.
    std::vector<std::int64_t> steps;
    for (std::int64_t t = 0; t < 3000; t += 1 + t / 50) steps.push_back(t);
    for (std::int64_t t : {10000, 123457, 10000000}) steps.push_back(t);
    const double base_lr = 0.003;
    const std::int64_t total = 2000;

    const auto s = schedule(c->example, base_lr, total, 20);
    const auto forward = visit(*s, steps);
    for (std::size_t i = 0; i < steps.size(); ++i) {
      INFO("t = " << steps[i]);
      CHECK(std::isfinite(forward[i].lr));
      CHECK(forward[i].lr >= 0.0);
      if (forward[i].beta_1) {
        CHECK(*forward[i].beta_1 >= 0.0);
        CHECK(*forward[i].beta_1 < 1.0);
      }
    }
    // Deterministic: a second schedule built from the same spec agrees exactly.
    const auto again = visit(*schedule(c->example, base_lr, total, 20), steps);
    // Pure: the same object visited backwards and shuffled gives the same numbers.
    std::vector<std::int64_t> reversed(steps.rbegin(), steps.rend());
    auto backwards = visit(*s, reversed);
    std::reverse(backwards.begin(), backwards.end());
    std::vector<std::size_t> order(steps.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), std::mt19937(12345));
    std::vector<Point> shuffled(steps.size());
    for (const auto i : order) shuffled[i] = {s->value(steps[i]), s->beta_1(steps[i])};
    for (std::size_t i = 0; i < steps.size(); ++i) {
      INFO("t = " << steps[i]);
      CHECK(again[i].lr == forward[i].lr);
      CHECK(backwards[i].lr == forward[i].lr);
      CHECK(shuffled[i].lr == forward[i].lr);
      CHECK(again[i].beta_1 == forward[i].beta_1);
      CHECK(backwards[i].beta_1 == forward[i].beta_1);
      CHECK(shuffled[i].beta_1 == forward[i].beta_1);
    }
    // The resolved example is a complete config that rebuilds the same schedule.
    lrlab::test::check_round_trip(c->example, {0, 1, 99, 1000, 123457}, base_lr, total, 20);
  }
  CHECK(checked >= 21);
}

TEST_CASE("contract: the whole schedule library is registered", "[contract]") {
  std::vector<std::string> names;
  for (const auto* c : lrlab::test::static_catalog().components())
    if (c->kind == lrlab::Kind::schedule) names.push_back(c->name);
  for (const char* expected :
       {"constant", "exponential_decay", "inverse_time_decay", "polynomial_decay", "piecewise_constant", "cosine_decay",
        "cosine_decay_restarts", "step_lr", "multi_step_lr", "exponential_lr", "linear_lr", "constant_lr", "polynomial_lr",
        "cosine_annealing_lr", "cosine_annealing_warm_restarts", "cyclic_lr", "one_cycle_lr", "expression", "sequential",
        "warmup", "chain"}) {
    INFO(expected);
    CHECK(std::count(names.begin(), names.end(), expected) == 1);
  }
}

TEST_CASE("contract: \"unit\": \"epoch\" works for every registered schedule", "[contract]") {
  for (const auto* c : lrlab::test::static_catalog().components()) {
    if (c->kind != lrlab::Kind::schedule) continue;
    INFO("schedule " << c->name);
    Json spec = c->example;
    spec["unit"] = "epoch";
    const auto by_epoch = schedule(spec, 0.003, 2000, 20);
    const auto by_step = schedule(c->example, 0.003, 2000, 20);
    for (std::int64_t e : {0, 1, 7, 50}) {
      CHECK(by_epoch->value(e * 20) == by_step->value(e));
      CHECK(by_epoch->value(e * 20 + 19) == by_step->value(e));
    }
  }
}
