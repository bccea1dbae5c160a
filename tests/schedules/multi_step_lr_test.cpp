// multi_step_lr against PyTorch's MultiStepLR: lr = lr0 * gamma^(number of milestones <= t)
#include <catch2/catch.hpp>

#include "schedule_checks.hpp"

using lrlab::Json;
using lrlab::test::schedule;

TEST_CASE("multi_step_lr: drops at the milestones themselves", "[multi_step_lr]") {
  auto s = schedule(Json::parse(R"({"type":"multi_step_lr","milestones":[10,30]})"), 0.1);
  CHECK(s->value(0) == 0.1);
  CHECK(s->value(9) == 0.1);
  CHECK(s->value(10) == Approx(0.01).epsilon(1e-14));
  CHECK(s->value(29) == Approx(0.01).epsilon(1e-14));
  CHECK(s->value(30) == Approx(0.001).epsilon(1e-14));
  CHECK(s->value(1000000) == Approx(0.001).epsilon(1e-14));
}

TEST_CASE("multi_step_lr: no milestones is the optimizer's rate, round trip", "[multi_step_lr]") {
  CHECK(schedule(Json::parse(R"({"type":"multi_step_lr","milestones":[]})"), 0.2)->value(500) == 0.2);
  lrlab::test::check_round_trip(Json::parse(R"({"type":"multi_step_lr","milestones":[0,5],"gamma":0.5})"), {0, 4, 5, 6});
}

TEST_CASE("multi_step_lr: bad parameters", "[multi_step_lr]") {
  using lrlab::test::check_rejected;
  check_rejected(R"({"type":"multi_step_lr","milestones":[30,10]})", "milestones", "strictly increasing. Received: milestones=[30,10]");
  check_rejected(R"({"type":"multi_step_lr","milestones":[10,10]})", "milestones", "strictly increasing");
  check_rejected(R"({"type":"multi_step_lr","milestones":[-1]})", "milestones/0", "must be >= 0");
  check_rejected(R"({"type":"multi_step_lr"})", "milestones", "required");
}
