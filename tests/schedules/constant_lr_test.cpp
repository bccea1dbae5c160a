// constant_lr against PyTorch's ConstantLR: lr = lr0 * factor for t < total_iters, lr0 after.
#include <catch2/catch.hpp>

#include "schedule_checks.hpp"

using lrlab::Json;
using lrlab::test::schedule;

TEST_CASE("constant_lr: reduced rate until total_iters", "[constant_lr]") {
  auto s = schedule(Json::parse(R"({"type":"constant_lr","factor":0.5,"total_iters":3})"), 0.1);
  CHECK(s->value(0) == Approx(0.05).epsilon(1e-15));
  CHECK(s->value(2) == Approx(0.05).epsilon(1e-15));
  CHECK(s->value(3) == Approx(0.1).epsilon(1e-15));
  CHECK(s->value(1000) == Approx(0.1).epsilon(1e-15));
}

TEST_CASE("constant_lr: total_iters 0 is the optimizer's rate, round trip", "[constant_lr]") {
  CHECK(schedule(Json::parse(R"({"type":"constant_lr","factor":0.2,"total_iters":0})"), 0.1)->value(0) == Approx(0.1).epsilon(1e-15));
  lrlab::test::check_round_trip(Json::parse(R"({"type":"constant_lr"})"), {0, 4, 5, 6});
}

TEST_CASE("constant_lr: bad parameters", "[constant_lr]") {
  using lrlab::test::check_rejected;
  check_rejected(R"({"type":"constant_lr","factor":1.1})", "factor", "Received: factor=1.1");
  check_rejected(R"({"type":"constant_lr","total_iters":-1})", "total_iters", "must be >= 0");
}
