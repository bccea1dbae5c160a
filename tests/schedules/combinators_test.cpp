// The core's combinators (sequential, with and without restart; rebase, warmup, chain) with hand-computed values,
// and nested; the
// SDK's functions behind them (combinators.hpp), as a plugin's own code uses them.
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>

#include "lrlab/combinators.hpp"
#include "lrlab/schedule_fn.hpp"
#include "schedule_checks.hpp"

using lrlab::Json;
using lrlab::test::schedule;

TEST_CASE("sequential: each child restarts its step at its milestone", "[combinators][sequential]") {
  // constant 0.1 for t < 5, then step_lr(step_size 2, gamma 0.5) on lr0 = 0.1 from local step 0.
  auto s = schedule(Json::parse(R"({"type":"sequential","milestones":[5],
      "schedules":[{"type":"constant"},{"type":"step_lr","step_size":2,"gamma":0.5}]})"), 0.1);
  CHECK(s->value(0) == 0.1);
  CHECK(s->value(4) == 0.1);
  CHECK(s->value(5) == 0.1);    // local step 0
  CHECK(s->value(6) == 0.1);    // local step 1
  CHECK(s->value(7) == Approx(0.05).epsilon(1e-15));   // local step 2
  CHECK(s->value(15) == Approx(0.003125).epsilon(1e-15));  // local step 10: 0.1 * 0.5^5
}

TEST_CASE("sequential without restart and rebase: each segment at the global step, at its own base rate",
          "[combinators][sequential][rebase]") {
  // lr0 = 0.1. Up to 10: exponential_decay from a base rate of 0.2 (rebase), 0.2 * 0.5^(t/10);
  // from 10: step_lr(step_size 5, gamma 0.5) on lr0 at the global step, 0.1 * 0.5^floor(t/5).
  auto s = schedule(Json::parse(R"({"type":"sequential","restart":false,"milestones":[10],
      "schedules":[{"type":"rebase","learning_rate":0.2,"schedule":{"type":"exponential_decay","decay_steps":10,"decay_rate":0.5}},
                   {"type":"step_lr","step_size":5,"gamma":0.5}]})"), 0.1);
  CHECK(s->value(0) == 0.2);
  CHECK(s->value(5) == Approx(0.2 * std::pow(0.5, 0.5)).epsilon(1e-15));
  CHECK(s->value(9) == Approx(0.2 * std::pow(0.5, 0.9)).epsilon(1e-15));
  CHECK(s->value(10) == Approx(0.025).epsilon(1e-15));  // floor(10 / 5) = 2 halvings, not 0 (no restart)
  CHECK(s->value(17) == Approx(0.0125).epsilon(1e-15));
  // rebase gives the very numbers of the schedule built with that base rate.
  auto direct = schedule(Json::parse(R"({"type":"exponential_decay","decay_steps":10,"decay_rate":0.5})"), 0.2);
  for (std::int64_t t : {0, 3, 7, 9}) CHECK(std::bit_cast<std::uint64_t>(s->value(t)) == std::bit_cast<std::uint64_t>(direct->value(t)));
}

TEST_CASE("sequential: three pieces and bad milestones", "[combinators][sequential]") {
  auto s = schedule(Json::parse(R"({"type":"sequential","milestones":[2,4],
      "schedules":[{"type":"constant","learning_rate":1},{"type":"constant","learning_rate":2},{"type":"exponential_lr","gamma":0.5}]})"), 0.4);
  CHECK(s->value(1) == 1.0);
  CHECK(s->value(2) == 2.0);
  CHECK(s->value(3) == 2.0);
  CHECK(s->value(4) == 0.4);
  CHECK(s->value(6) == Approx(0.1).epsilon(1e-15));
  using lrlab::test::check_rejected;
  check_rejected(R"({"type":"sequential","milestones":[4,2],"schedules":[{"type":"constant"},{"type":"constant"},{"type":"constant"}]})",
                 "milestones", "strictly increasing");
  check_rejected(R"({"type":"sequential","milestones":[4],"schedules":[{"type":"constant"}]})", "milestones", "one entry fewer");
  check_rejected(R"({"type":"sequential","milestones":[4],"schedules":[{"type":"constant"},{"type":"step_lr"}]})",
                 "schedules/1/step_size", "required");
}

TEST_CASE("warmup: a linear ramp to the wrapped schedule's first value, then the schedule from its step 0", "[combinators][warmup]") {
  auto s = schedule(Json::parse(R"({"type":"warmup","steps":4,"start_factor":0.2,
      "schedule":{"type":"exponential_lr","gamma":0.5}})"), 0.1);
  CHECK(s->value(0) == Approx(0.02).epsilon(1e-14));   // 0.1 * 0.2
  CHECK(s->value(2) == Approx(0.06).epsilon(1e-14));   // 0.1 * (0.2 + 0.8 * 2/4)
  CHECK(s->value(3) == Approx(0.08).epsilon(1e-14));
  CHECK(s->value(4) == Approx(0.1).epsilon(1e-15));    // inner step 0
  CHECK(s->value(6) == Approx(0.025).epsilon(1e-15));  // inner step 2
}

TEST_CASE("chain: the product of the children's factors of lr0", "[combinators][chain]") {
  // ConstantLR(0.5, 3) x ExponentialLR(0.9) on lr0 = 0.1: 0.1 * 0.5 * 0.9^t, then 0.1 * 0.9^t.
  auto s = schedule(Json::parse(R"({"type":"chain","schedules":[{"type":"constant_lr","factor":0.5,"total_iters":3},
      {"type":"exponential_lr","gamma":0.9}]})"), 0.1);
  CHECK(s->value(0) == Approx(0.05).epsilon(1e-14));
  CHECK(s->value(2) == Approx(0.0405).epsilon(1e-14));
  CHECK(s->value(3) == Approx(0.0729).epsilon(1e-14));
}

TEST_CASE("combinators nest, and pass beta_1 through", "[combinators]") {
  // warmup(2 steps from 0) in front of sequential(cosine_annealing_lr T_max 4 | constant 0.001).
  auto s = schedule(Json::parse(R"({"type":"warmup","steps":2,"schedule":{"type":"sequential","milestones":[4],
      "schedules":[{"type":"cosine_annealing_lr","T_max":4},{"type":"constant","learning_rate":0.001}]}})"), 0.1);
  CHECK(s->value(0) == 0.0);
  CHECK(s->value(1) == Approx(0.05).epsilon(1e-14));
  CHECK(s->value(2) == Approx(0.1).epsilon(1e-14));    // cosine step 0
  CHECK(s->value(4) == Approx(0.05).epsilon(1e-13));   // cosine step 2: 0.1 * (1 + cos(pi/2)) / 2
  CHECK(s->value(6) == 0.001);                         // sequential's second child
  auto c = schedule(Json::parse(R"({"type":"chain","schedules":[{"type":"constant"},
      {"type":"cyclic_lr","base_lr":0.1,"max_lr":1.0,"step_size_up":4,"step_size_down":6}]})"), 0.1);
  CHECK(c->value(4) == Approx(1.0).epsilon(1e-14));
  CHECK(*c->beta_1(4) == Approx(0.8).epsilon(1e-14));
  lrlab::test::check_round_trip(Json::parse(R"({"type":"warmup","steps":2,"schedule":{"type":"sequential","milestones":[4],
      "schedules":[{"type":"cosine_annealing_lr","T_max":4},{"type":"one_cycle_lr","total_steps":10}]}})"),
                                {0, 1, 2, 5, 6, 7, 20});
}

namespace {
using lrlab::SchedulePtr;
using lrlab::schedule_of;

SchedulePtr constant(double v) { return schedule_of([v](std::int64_t) { return v; }); }
SchedulePtr linear(double a, double b) { return schedule_of([a, b](std::int64_t t) { return a + b * static_cast<double>(t); }); }

template <class... S>
std::vector<SchedulePtr> list(S... s) {
  std::vector<SchedulePtr> v;
  (v.push_back(std::move(s)), ...);
  return v;
}
}  // namespace

TEST_CASE("SDK sequential: children restart at their milestones, bad milestones are ParamErrors", "[combinators][sdk]") {
  const auto s = lrlab::sequential(list(constant(1.0), linear(10.0, 1.0), linear(0.0, -1.0)), {3, 5});
  CHECK(s->value(0) == 1.0);
  CHECK(s->value(2) == 1.0);
  CHECK(s->value(3) == 10.0);  // second child, its step 0
  CHECK(s->value(4) == 11.0);
  CHECK(s->value(5) == 0.0);   // third child, its step 0
  CHECK(s->value(9) == -4.0);
  using Catch::Matchers::Contains;
  CHECK_THROWS_WITH(lrlab::sequential(list(constant(1), constant(2)), {}), Contains("one entry fewer"));
  CHECK_THROWS_WITH(lrlab::sequential(list(constant(1), constant(2), constant(3)), {4, 4}), Contains("strictly increasing"));
  CHECK_THROWS_WITH(lrlab::sequential(list(constant(1), constant(2)), {0}), Contains("must be > 0"));
  CHECK_THROWS_WITH(lrlab::sequential({}, {}), Contains("at least one schedule"));
  CHECK_THROWS_AS(lrlab::sequential(list(constant(1), SchedulePtr()), {2}), lrlab::ParamError);
}

TEST_CASE("SDK warmup and chain: hand-computed values and their checks", "[combinators][sdk]") {
  // warmup over 4 steps from 0.25 x 2.0 = 0.5 to 2.0, then the child from its step 0.
  const auto w = lrlab::warmup(linear(2.0, -0.5), 4, 0.25);
  CHECK(w->value(0) == 0.5);
  CHECK(w->value(2) == 1.25);  // 2 * (0.25 + 0.75 * 2/4)
  CHECK(w->value(4) == 2.0);
  CHECK(w->value(6) == 1.0);
  CHECK_THROWS_AS(lrlab::warmup(constant(1.0), 0), lrlab::ParamError);
  CHECK_THROWS_AS(lrlab::warmup(constant(1.0), 3, 1.5), lrlab::ParamError);
  // chain on base 0.1: 0.1 x (0.05 / 0.1) x (0.2 / 0.1) = 0.1.
  const auto c = lrlab::chain(list(constant(0.05), constant(0.2)), 0.1);
  CHECK(c->value(7) == Approx(0.1).epsilon(1e-15));
  CHECK_THROWS_AS(lrlab::chain({}, 0.1), lrlab::ParamError);
}

TEST_CASE("the core's combinators are the SDK's: the same rates, bit for bit", "[combinators][sdk]") {
  const auto bits = [](double v) { return std::bit_cast<std::uint64_t>(v); };
  const auto from_spec = schedule(Json::parse(R"({"type":"warmup","steps":3,"start_factor":0.1,"schedule":
      {"type":"sequential","milestones":[5],"schedules":[{"type":"constant"},
      {"type":"chain","schedules":[{"type":"exponential_lr","gamma":0.9},{"type":"constant","learning_rate":0.05}]}]}})"), 0.1);
  // The same tree in C++: what a plugin would write.
  const double lr0 = 0.1;
  auto exponential = schedule_of([lr0](std::int64_t t) { return lr0 * std::pow(0.9, static_cast<double>(t)); });
  auto tail = lrlab::chain(list(std::move(exponential), constant(0.05)), lr0);
  const auto in_code = lrlab::warmup(lrlab::sequential(list(constant(lr0), std::move(tail)), {5}), 3, 0.1);
  for (std::int64_t t = 0; t < 20; ++t) {
    CAPTURE(t);
    CHECK(bits(from_spec->value(t)) == bits(in_code->value(t)));
  }
}
