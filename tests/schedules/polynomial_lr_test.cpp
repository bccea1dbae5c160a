// polynomial_lr against PyTorch's PolynomialLR: lr = lr0 * (1 - min(t, total_iters) / total_iters)^power
#include <catch2/catch.hpp>

#include "schedule_checks.hpp"

using lrlab::Json;
using lrlab::test::schedule;

TEST_CASE("polynomial_lr: decays to zero at total_iters", "[polynomial_lr]") {
  auto s = schedule(Json::parse(R"({"type":"polynomial_lr","total_iters":10,"power":2})"), 0.1);
  CHECK(s->value(0) == Approx(0.1).epsilon(1e-15));
  CHECK(s->value(5) == Approx(0.025).epsilon(1e-14));
  CHECK(s->value(9) == Approx(0.001).epsilon(1e-12));
  CHECK(s->value(10) == 0.0);
  CHECK(s->value(20) == 0.0);
}

TEST_CASE("polynomial_lr: round trip", "[polynomial_lr]") {
  lrlab::test::check_round_trip(Json::parse(R"({"type":"polynomial_lr"})"), {0, 1, 5, 6});
}

TEST_CASE("polynomial_lr: bad parameters", "[polynomial_lr]") {
  using lrlab::test::check_rejected;
  check_rejected(R"({"type":"polynomial_lr","total_iters":0})", "total_iters", "Received: total_iters=0");
  check_rejected(R"({"type":"polynomial_lr","power":-2})", "power", "must be >= 0");
}
