// step_lr against PyTorch's StepLR: lr = lr0 * gamma^floor(t / step_size)
#include <catch2/catch.hpp>

#include "schedule_checks.hpp"

using lrlab::Json;
using lrlab::test::schedule;

TEST_CASE("step_lr: drops at multiples of step_size", "[step_lr]") {
  auto s = schedule(Json::parse(R"({"type":"step_lr","step_size":10,"gamma":0.5})"), 0.1);
  CHECK(s->value(0) == 0.1);
  CHECK(s->value(9) == 0.1);
  CHECK(s->value(10) == Approx(0.05).epsilon(1e-15));
  CHECK(s->value(25) == Approx(0.025).epsilon(1e-15));
  CHECK(s->value(1000) == Approx(7.888609052210118e-32).epsilon(1e-13));  // 0.1 * 0.5^100
}

TEST_CASE("step_lr: default gamma 0.1, round trip", "[step_lr]") {
  const Json spec = Json::parse(R"({"type":"step_lr","step_size":3})");
  CHECK(lrlab::test::resolved(spec)["gamma"] == 0.1);
  CHECK(schedule(spec, 1.0)->value(3) == Approx(0.1).epsilon(1e-15));
  lrlab::test::check_round_trip(spec, {0, 2, 3, 4, 300});
}

TEST_CASE("step_lr: bad parameters", "[step_lr]") {
  using lrlab::test::check_rejected;
  check_rejected(R"({"type":"step_lr","step_size":0})", "step_size", "Received: step_size=0");
  check_rejected(R"({"type":"step_lr","step_size":2.5})", "step_size", "an integer");
  check_rejected(R"({"type":"step_lr","step_size":5,"gamma":0})", "gamma", "must be > 0");
}
