// cyclic_lr against triangles worked out by hand (Smith 2017; PyTorch's CyclicLR): up over
// step_size_up steps from base_lr to max_lr, down over step_size_down; triangular2 halves the
// amplitude every cycle, exp_range multiplies it by gamma^t. beta_1 moves the other way.
#include <catch2/catch.hpp>

#include "schedule_checks.hpp"

using lrlab::Json;
using lrlab::test::schedule;

TEST_CASE("cyclic_lr: triangular with unequal halves", "[cyclic_lr]") {
  auto s = schedule(Json::parse(R"({"type":"cyclic_lr","base_lr":0.1,"max_lr":1.0,"step_size_up":4,"step_size_down":6})"));
  CHECK(s->value(0) == Approx(0.1).epsilon(1e-14));
  CHECK(s->value(2) == Approx(0.55).epsilon(1e-14));
  CHECK(s->value(4) == Approx(1.0).epsilon(1e-14));
  CHECK(s->value(7) == Approx(0.55).epsilon(1e-13));
  CHECK(s->value(9) == Approx(0.25).epsilon(1e-13));
  CHECK(s->value(10) == Approx(0.1).epsilon(1e-14));
  CHECK(s->value(12) == Approx(0.55).epsilon(1e-13));
  // beta_1 cycles by default (PyTorch's cycle_momentum=True with Adam): 0.9 at the bottom, 0.8 on top.
  CHECK(*s->beta_1(0) == Approx(0.9).epsilon(1e-14));
  CHECK(*s->beta_1(4) == Approx(0.8).epsilon(1e-14));
  CHECK(*s->beta_1(7) == Approx(0.85).epsilon(1e-13));
}

TEST_CASE("cyclic_lr: triangular2 and exp_range scale the amplitude", "[cyclic_lr]") {
  auto t2 = schedule(Json::parse(R"({"type":"cyclic_lr","base_lr":0.1,"max_lr":1.0,"step_size_up":4,"step_size_down":6,
                                     "mode":"triangular2"})"));
  CHECK(t2->value(4) == Approx(1.0).epsilon(1e-14));
  CHECK(t2->value(14) == Approx(0.55).epsilon(1e-14));
  CHECK(t2->value(24) == Approx(0.325).epsilon(1e-14));
  auto ex = schedule(Json::parse(R"({"type":"cyclic_lr","base_lr":0.1,"max_lr":1.0,"step_size_up":4,"step_size_down":6,
                                     "mode":"exp_range","gamma":0.9})"));
  CHECK(ex->value(4) == Approx(0.69049).epsilon(1e-13));
  CHECK(ex->value(14) == Approx(0.30589113209464913).epsilon(1e-13));
}

TEST_CASE("cyclic_lr: base_lr defaults to the optimizer's rate, no beta_1 without cycle_momentum", "[cyclic_lr]") {
  auto s = schedule(Json::parse(R"({"type":"cyclic_lr","max_lr":0.5,"step_size_up":5,"cycle_momentum":false})"), 0.05);
  CHECK(s->value(0) == Approx(0.05).epsilon(1e-15));
  CHECK(s->value(5) == Approx(0.5).epsilon(1e-14));
  CHECK(s->value(10) == Approx(0.05).epsilon(1e-14));  // step_size_down defaults to step_size_up
  CHECK_FALSE(s->beta_1(3).has_value());
}

TEST_CASE("cyclic_lr: round trip", "[cyclic_lr]") {
  lrlab::test::check_round_trip(Json::parse(R"({"type":"cyclic_lr","max_lr":0.01,"step_size_up":3,"mode":"exp_range",
                                                "gamma":0.99,"scale_mode":"iterations"})"),
                                {0, 1, 3, 6, 7, 500});
}

TEST_CASE("cyclic_lr: bad parameters", "[cyclic_lr]") {
  using lrlab::test::check_rejected;
  check_rejected(R"({"type":"cyclic_lr","base_lr":0.1,"max_lr":0.05})", "max_lr", "must be >= base_lr (0.1). Received: max_lr=0.05");
  check_rejected(R"({"type":"cyclic_lr","max_lr":0.05})", "max_lr", "Received: max_lr=0.05", 0.1);
  check_rejected(R"({"type":"cyclic_lr","max_lr":1,"mode":"triangle"})", "mode", "one of triangular | triangular2 | exp_range");
  check_rejected(R"({"type":"cyclic_lr","max_lr":1,"scale_mode":"iterations"})", "scale_mode", "must be \"cycle\" with mode \"triangular\"");
  check_rejected(R"({"type":"cyclic_lr","max_lr":1,"base_momentum":0.95})", "base_momentum", "Received: base_momentum=0.95");
  check_rejected(R"({"type":"cyclic_lr","max_lr":1,"step_size_up":0})", "step_size_up", "must be > 0");
}
