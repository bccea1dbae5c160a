// inverse_time_decay against numbers worked out from Keras's formula
//   lr = initial / (1 + decay_rate * t / decay_steps)   (floor(t / decay_steps) when staircase)
#include <catch2/catch.hpp>

#include "schedule_checks.hpp"

using lrlab::Json;
using lrlab::test::schedule;

TEST_CASE("inverse_time_decay: smooth values", "[inverse_time_decay]") {
  auto s = schedule(Json::parse(R"({"type":"inverse_time_decay","initial_learning_rate":0.1,"decay_steps":10,"decay_rate":0.5})"));
  CHECK(s->value(0) == 0.1);
  CHECK(s->value(9) == Approx(0.06896551724137931).epsilon(1e-14));    // 0.1 / 1.45
  CHECK(s->value(10) == Approx(0.06666666666666667).epsilon(1e-14));   // 0.1 / 1.5
  CHECK(s->value(11) == Approx(0.06451612903225806).epsilon(1e-14));   // 0.1 / 1.55
  CHECK(s->value(1000) == Approx(0.00196078431372549).epsilon(1e-14)); // 0.1 / 51
}

TEST_CASE("inverse_time_decay: staircase and the optimizer's rate", "[inverse_time_decay]") {
  auto s = schedule(Json::parse(R"({"type":"inverse_time_decay","decay_steps":10,"decay_rate":0.5,"staircase":true})"), 0.1);
  CHECK(s->value(9) == 0.1);
  CHECK(s->value(10) == Approx(0.06666666666666667).epsilon(1e-14));
  CHECK(s->value(19) == Approx(0.06666666666666667).epsilon(1e-14));
  CHECK(s->value(20) == Approx(0.05).epsilon(1e-14));
}

TEST_CASE("inverse_time_decay: config round trip", "[inverse_time_decay]") {
  lrlab::test::check_round_trip(Json::parse(R"({"type":"inverse_time_decay","decay_steps":7,"decay_rate":0.3})"), {0, 6, 7, 100});
  CHECK(lrlab::test::resolved(Json::parse(R"({"type":"inverse_time_decay","decay_steps":7,"decay_rate":0.3})"))["staircase"] == false);
}

TEST_CASE("inverse_time_decay: bad parameters", "[inverse_time_decay]") {
  using lrlab::test::check_rejected;
  check_rejected(R"({"type":"inverse_time_decay","decay_steps":0,"decay_rate":0.5})", "decay_steps", "Received: decay_steps=0");
  check_rejected(R"({"type":"inverse_time_decay","decay_steps":10,"decay_rate":-1})", "decay_rate", "must be >= 0");
  check_rejected(R"({"type":"inverse_time_decay","decay_steps":10})", "decay_rate", "required");
}
