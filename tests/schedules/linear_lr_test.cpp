// linear_lr against PyTorch's LinearLR:
//   lr = lr0 * (start_factor + (end_factor - start_factor) * min(t, total_iters) / total_iters)
#include <catch2/catch.hpp>

#include "schedule_checks.hpp"

using lrlab::Json;
using lrlab::test::schedule;

TEST_CASE("linear_lr: linear factor, then constant", "[linear_lr]") {
  auto s = schedule(Json::parse(R"({"type":"linear_lr","start_factor":0.25,"end_factor":1.0,"total_iters":4})"), 0.1);
  CHECK(s->value(0) == Approx(0.025).epsilon(1e-15));
  CHECK(s->value(1) == Approx(0.04375).epsilon(1e-14));
  CHECK(s->value(3) == Approx(0.08125).epsilon(1e-14));
  CHECK(s->value(4) == Approx(0.1).epsilon(1e-15));
  CHECK(s->value(100) == Approx(0.1).epsilon(1e-15));
}

TEST_CASE("linear_lr: PyTorch's defaults, round trip", "[linear_lr]") {
  const Json spec = Json::parse(R"({"type":"linear_lr"})");
  auto s = schedule(spec, 0.1);
  CHECK(s->value(0) == Approx(0.03333333333333333).epsilon(1e-14));  // start_factor 1/3
  CHECK(s->value(5) == Approx(0.1).epsilon(1e-15));                  // total_iters 5
  lrlab::test::check_round_trip(spec, {0, 2, 5, 9});
}

TEST_CASE("linear_lr: bad parameters", "[linear_lr]") {
  using lrlab::test::check_rejected;
  check_rejected(R"({"type":"linear_lr","start_factor":0})", "start_factor", "must be in (0, 1]");
  check_rejected(R"({"type":"linear_lr","end_factor":1.5})", "end_factor", "Received: end_factor=1.5");
  check_rejected(R"({"type":"linear_lr","total_iters":0})", "total_iters", "must be > 0");
}
