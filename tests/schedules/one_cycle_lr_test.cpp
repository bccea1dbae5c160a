// one_cycle_lr against the 1cycle policy worked out by hand (PyTorch's OneCycleLR), max_lr 1,
// 100 steps, pct_start 0.3: initial 1/25 = 0.04, minimum 0.04 / 1e4 = 4e-6; the rise ends at step
// 0.3 * 100 - 1 = 29, the fall at step 99 (cosine: to + (from - to) * (1 + cos(pi * p)) / 2).
#include <catch2/catch.hpp>

#include "schedule_checks.hpp"

using lrlab::Json;
using lrlab::test::schedule;

TEST_CASE("one_cycle_lr: two phases, cosine, held after the end", "[one_cycle_lr]") {
  auto s = schedule(Json::parse(R"({"type":"one_cycle_lr","max_lr":1.0,"total_steps":100})"));
  CHECK(s->value(0) == Approx(0.04).epsilon(1e-13));
  CHECK(s->value(10) == Approx(0.29516394846410077).epsilon(1e-13));
  CHECK(s->value(29) == Approx(1.0).epsilon(1e-14));
  CHECK(s->value(64) == Approx(0.500002).epsilon(1e-13));
  CHECK(s->value(99) == Approx(4e-6).epsilon(1e-10));
  CHECK(s->value(100) == Approx(4e-6).epsilon(1e-10));  // PyTorch raises from step 101; lrlab holds
  CHECK(s->value(150) == Approx(4e-6).epsilon(1e-10));
  CHECK(*s->beta_1(0) == Approx(0.95).epsilon(1e-14));
  CHECK(*s->beta_1(10) == Approx(0.9234204220349895).epsilon(1e-13));
  CHECK(*s->beta_1(29) == Approx(0.85).epsilon(1e-14));
  CHECK(*s->beta_1(64) == Approx(0.9).epsilon(1e-13));
  CHECK(*s->beta_1(99) == Approx(0.95).epsilon(1e-14));
  CHECK(*s->beta_1(1000) == Approx(0.95).epsilon(1e-14));
}

TEST_CASE("one_cycle_lr: linear annealing and three phases", "[one_cycle_lr]") {
  auto lin = schedule(Json::parse(R"({"type":"one_cycle_lr","max_lr":1.0,"total_steps":100,"anneal_strategy":"linear"})"));
  CHECK(lin->value(10) == Approx(0.37103448275862067).epsilon(1e-13));
  CHECK(lin->value(64) == Approx(0.500002).epsilon(1e-13));
  auto three = schedule(Json::parse(R"({"type":"one_cycle_lr","max_lr":1.0,"total_steps":100,"three_phase":true})"));
  CHECK(three->value(29) == Approx(1.0).epsilon(1e-14));
  CHECK(three->value(40) == Approx(0.697666314563159).epsilon(1e-13));
  CHECK(three->value(58) == Approx(0.04).epsilon(1e-13));
  CHECK(three->value(80) == Approx(0.017708560858882793).epsilon(1e-12));
  CHECK(three->value(99) == Approx(4e-6).epsilon(1e-10));
}

TEST_CASE("one_cycle_lr: the cycle length from epochs, or from the trial's budget", "[one_cycle_lr]") {
  // 10 epochs of 10 steps is the 100-step cycle above; max_lr defaults to the optimizer's rate.
  auto e = schedule(Json::parse(R"({"type":"one_cycle_lr","epochs":10,"steps_per_epoch":10})"), 1.0);
  CHECK(e->value(29) == Approx(1.0).epsilon(1e-14));
  CHECK(e->value(64) == Approx(0.500002).epsilon(1e-13));
  auto task = schedule(Json::parse(R"({"type":"one_cycle_lr","epochs":10})"), 1.0, 5000, 10);
  CHECK(task->value(64) == Approx(0.500002).epsilon(1e-13));
  auto budget = schedule(Json::parse(R"({"type":"one_cycle_lr","cycle_momentum":false})"), 1.0, 100);
  CHECK(budget->value(64) == Approx(0.500002).epsilon(1e-13));
  CHECK_FALSE(budget->beta_1(64).has_value());
}

TEST_CASE("one_cycle_lr: round trip", "[one_cycle_lr]") {
  lrlab::test::check_round_trip(Json::parse(R"({"type":"one_cycle_lr","total_steps":50,"three_phase":true})"),
                                {0, 14, 15, 28, 49, 60});
}

TEST_CASE("one_cycle_lr: bad parameters", "[one_cycle_lr]") {
  using lrlab::test::check_rejected;
  check_rejected(R"({"type":"one_cycle_lr","total_steps":100,"pct_start":1.0})", "pct_start", "must be in (0, 1). Received: pct_start=1.0");
  check_rejected(R"({"type":"one_cycle_lr","total_steps":100,"pct_start":0})", "pct_start", "Received: pct_start=0");
  check_rejected(R"({"type":"one_cycle_lr","total_steps":10,"pct_start":0.1})", "pct_start", "first phase empty");
  check_rejected(R"({"type":"one_cycle_lr","steps_per_epoch":10})", "epochs", "required with steps_per_epoch");
  check_rejected(R"({"type":"one_cycle_lr"})", "total_steps", "required", 1e-3, 0);
  check_rejected(R"({"type":"one_cycle_lr","total_steps":100,"anneal_strategy":"cosine"})", "anneal_strategy", "one of cos | linear");
  check_rejected(R"({"type":"one_cycle_lr","total_steps":0})", "total_steps", "must be > 0");
}

TEST_CASE("one_cycle_lr with \"unit\": \"epoch\" and no total_steps: one cycle over the budget's epochs", "[one_cycle_lr][unit]") {
  // A budget of 1000 updates at 10 per epoch is 100 epochs: the cycle of the first test, one point
  // per epoch, held through each epoch's 10 updates.
  auto s = schedule(Json::parse(R"({"type":"one_cycle_lr","max_lr":1.0,"unit":"epoch"})"), 1e-3, 1000, 10);
  for (std::int64_t t : {0, 9}) CHECK(s->value(t) == Approx(0.04).epsilon(1e-13));
  CHECK(s->value(100) == Approx(0.29516394846410077).epsilon(1e-13));  // epoch 10
  CHECK(s->value(299) == Approx(1.0).epsilon(1e-14));                  // epoch 29
  CHECK(s->value(640) == Approx(0.500002).epsilon(1e-13));             // epoch 64
  CHECK(s->value(999) == Approx(4e-6).epsilon(1e-10));                 // epoch 99, the last
  // A partial last epoch counts: 995 updates are still 100 epochs.
  auto partial = schedule(Json::parse(R"({"type":"one_cycle_lr","max_lr":1.0,"unit":"epoch"})"), 1e-3, 995, 10);
  CHECK(partial->value(990) == Approx(4e-6).epsilon(1e-10));
}
