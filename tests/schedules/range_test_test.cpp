// range_test against its formula written out by hand: r = min(t, steps - 1) / (steps - 1),
// exp: start * (end / start)^r, linear: start + (end - start) * r, end from step steps - 1 on.
#include <catch2/catch.hpp>

#include "schedule_checks.hpp"

using lrlab::Json;
using lrlab::test::schedule;

TEST_CASE("range_test: exp rises by equal factors, reaches end at steps - 1 and stays", "[range_test]") {
  // 1e-4 to 1 over 5 steps: a factor (1e4)^(1/4) = 10 a step.
  auto s = schedule(Json::parse(R"({"type":"range_test","start":1e-4,"end":1,"steps":5})"));
  CHECK(s->value(0) == 1e-4);
  CHECK(s->value(1) == Approx(1e-3).epsilon(1e-14));
  CHECK(s->value(2) == Approx(1e-2).epsilon(1e-14));
  CHECK(s->value(3) == Approx(1e-1).epsilon(1e-14));
  CHECK(s->value(4) == 1.0);  // end itself, not start * (end / start) rounded
  CHECK(s->value(5) == 1.0);
  CHECK(s->value(1000000) == 1.0);
}

TEST_CASE("range_test: fastai's defaults, 1e-7 to 10 over 100 steps", "[range_test]") {
  auto s = schedule(Json::parse(R"({"type":"range_test","steps":100})"));
  CHECK(s->value(0) == 1e-7);
  CHECK(s->value(33) == Approx(4.641588833612772e-05).epsilon(1e-13));  // 10^(-7 + 8 * 33/99)
  CHECK(s->value(66) == Approx(0.021544346900318822).epsilon(1e-13));   // 10^(-7 + 8 * 66/99)
  CHECK(s->value(99) == 10.0);
}

TEST_CASE("range_test: linear rises by equal steps", "[range_test]") {
  // 0.1 to 1.1 over 6 steps: +0.2 a step.
  auto s = schedule(Json::parse(R"({"type":"range_test","start":0.1,"end":1.1,"steps":6,"mode":"linear"})"));
  CHECK(s->value(0) == 0.1);
  CHECK(s->value(1) == Approx(0.3).epsilon(1e-15));
  CHECK(s->value(2) == Approx(0.5).epsilon(1e-15));
  CHECK(s->value(4) == Approx(0.9).epsilon(1e-15));
  CHECK(s->value(5) == 1.1);
  CHECK(s->value(6) == 1.1);
}

TEST_CASE("range_test: steps default to the trial's budget, the optimizer's rate is not used", "[range_test]") {
  // A budget of 11 steps: r = t / 10, so step 5 is the middle: 1e-3 * (1e5)^(1/2) = 10^-0.5.
  const Json spec = Json::parse(R"({"type":"range_test","start":1e-3,"end":100})");
  auto a = schedule(spec, 1e-3, 11);
  auto b = schedule(spec, 0.5, 11);
  CHECK(a->value(5) == Approx(0.31622776601683794).epsilon(1e-14));
  CHECK(a->value(10) == 100.0);
  for (std::int64_t t : {0, 3, 5, 10, 20}) CHECK(a->value(t) == b->value(t));
  CHECK_FALSE(a->beta_1(3).has_value());
}

TEST_CASE("range_test: round trip", "[range_test]") {
  lrlab::test::check_round_trip(Json::parse(R"({"type":"range_test","start":1e-6,"end":3,"steps":40})"), {0, 1, 20, 39, 40, 500});
  lrlab::test::check_round_trip(Json::parse(R"({"type":"range_test","mode":"linear"})"), {0, 1, 500, 999, 1000});
}

TEST_CASE("range_test: bad parameters", "[range_test]") {
  using lrlab::test::check_rejected;
  check_rejected(R"({"type":"range_test","start":0})", "start", "must be > 0");
  check_rejected(R"({"type":"range_test","start":-1e-3})", "start", "Received: start=-0.001");
  check_rejected(R"({"type":"range_test","start":0.1,"end":0.1})", "end", "must be > start (0.1)");
  check_rejected(R"({"type":"range_test","start":0.1,"end":0.01})", "end", "Received: end=0.01");
  check_rejected(R"({"type":"range_test","steps":1})", "steps", "must be >= 2");
  check_rejected(R"({"type":"range_test","mode":"log"})", "mode", "one of exp | linear");
  check_rejected(R"({"type":"range_test"})", "steps", "a range test needs at least 2", 1e-3, 1);
  check_rejected(R"({"type":"range_test"})", "steps", "required when the trial's length is unknown", 1e-3, 0);
}
