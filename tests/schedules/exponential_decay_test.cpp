// exponential_decay against numbers worked out by hand from Keras's formula
//   lr = initial * rate ^ (step / decay_steps)   (floor(...) when staircase)
#include <catch2/catch.hpp>

#include "support/catalog.hpp"

using lrlab::Json;
using lrlab::test::schedule;

TEST_CASE("exponential_decay: smooth values", "[exponential_decay]") {
  auto s = schedule(Json::parse(R"({"type":"exponential_decay","initial_learning_rate":0.1,"decay_steps":10,"decay_rate":0.5})"));
  CHECK(s->value(0) == Approx(0.1).epsilon(1e-15));
  CHECK(s->value(5) == Approx(0.070710678118654752).epsilon(1e-14));   // 0.1 * 0.5^0.5
  CHECK(s->value(10) == Approx(0.05).epsilon(1e-14));
  CHECK(s->value(15) == Approx(0.035355339059327376).epsilon(1e-14));  // 0.1 * 0.5^1.5
  CHECK(s->value(1000) == Approx(7.888609052210118e-32).epsilon(1e-12));  // 0.1 * 0.5^100
}

TEST_CASE("exponential_decay: staircase drops only at multiples of decay_steps", "[exponential_decay]") {
  auto s = schedule(Json::parse(R"({"type":"exponential_decay","decay_steps":1000,"decay_rate":0.9,"staircase":true})"), 0.01);
  CHECK(s->value(0) == 0.01);    // initial_learning_rate defaults to the optimizer's rate
  CHECK(s->value(999) == 0.01);
  CHECK(s->value(1000) == Approx(0.009).epsilon(1e-15));
  CHECK(s->value(1999) == Approx(0.009).epsilon(1e-15));
  CHECK(s->value(2000) == Approx(0.0081).epsilon(1e-15));
}

TEST_CASE("exponential_decay: unit epoch uses floor(step / steps_per_epoch)", "[exponential_decay]") {
  auto s = schedule(Json::parse(R"({"type":"exponential_decay","decay_steps":1,"decay_rate":0.5,"unit":"epoch"})"), 1.0, 100, 10);
  CHECK(s->value(9) == 1.0);
  CHECK(s->value(10) == 0.5);
  CHECK(s->value(25) == 0.25);
}

TEST_CASE("exponential_decay: bad parameters are rejected with the pointer", "[exponential_decay]") {
  using Catch::Matchers::Contains;
  CHECK_THROWS_WITH(schedule(Json::parse(R"({"type":"exponential_decay","decay_steps":0,"decay_rate":0.5})")),
                    Contains("/schedule/decay_steps") && Contains("must be > 0") && Contains("Received: decay_steps=0"));
  CHECK_THROWS_WITH(schedule(Json::parse(R"({"type":"exponential_decay","decay_step":10,"decay_rate":0.5})")),
                    Contains("/schedule/decay_step: unknown parameter; did you mean decay_steps?"));
  CHECK_THROWS_WITH(schedule(Json::parse(R"({"type":"exponential_decay","decay_rate":0.5})")),
                    Contains("/schedule/decay_steps") && Contains("required"));
  CHECK_THROWS_WITH(schedule(Json::parse(R"({"type":"exponential_decay","decay_steps":10,"decay_rate":"fast"})")),
                    Contains("expected a number"));
}
