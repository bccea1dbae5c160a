// exponential_lr against PyTorch's ExponentialLR: lr = lr0 * gamma^t
#include <catch2/catch.hpp>

#include "schedule_checks.hpp"

using lrlab::Json;
using lrlab::test::schedule;

TEST_CASE("exponential_lr: one factor gamma per step", "[exponential_lr]") {
  auto s = schedule(Json::parse(R"({"type":"exponential_lr","gamma":0.9})"), 0.1);
  CHECK(s->value(0) == 0.1);
  CHECK(s->value(1) == Approx(0.09).epsilon(1e-15));
  CHECK(s->value(10) == Approx(0.03486784401).epsilon(1e-14));
  CHECK(s->value(1000) == Approx(1.7478712517226948e-47).epsilon(1e-12));
}

TEST_CASE("exponential_lr: round trip", "[exponential_lr]") {
  lrlab::test::check_round_trip(Json::parse(R"({"type":"exponential_lr","gamma":1.01})"), {0, 1, 100});
}

TEST_CASE("exponential_lr: bad parameters", "[exponential_lr]") {
  using lrlab::test::check_rejected;
  check_rejected(R"({"type":"exponential_lr"})", "gamma", "required");
  check_rejected(R"({"type":"exponential_lr","gamma":-0.5})", "gamma", "Received: gamma=-0.5");
}
