// polynomial_decay against numbers worked out from Keras 3's code
//   lr = (initial - end) * (1 - s / D)^power + end,
//   s = min(t, decay_steps), D = decay_steps;  with cycle: s = t, D = decay_steps * max(1, ceil(t / decay_steps))
#include <catch2/catch.hpp>

#include "schedule_checks.hpp"

using lrlab::Json;
using lrlab::test::schedule;

TEST_CASE("polynomial_decay: decays to end_learning_rate and stays", "[polynomial_decay]") {
  auto s = schedule(Json::parse(R"({"type":"polynomial_decay","initial_learning_rate":0.1,"decay_steps":10,
                                    "end_learning_rate":0.01,"power":2})"));
  CHECK(s->value(0) == Approx(0.1).epsilon(1e-14));
  CHECK(s->value(5) == Approx(0.0325).epsilon(1e-14));
  CHECK(s->value(9) == Approx(0.0109).epsilon(1e-13));
  CHECK(s->value(10) == Approx(0.01).epsilon(1e-14));
  CHECK(s->value(100) == Approx(0.01).epsilon(1e-14));
}

TEST_CASE("polynomial_decay: cycle reaches the end rate exactly at multiples of decay_steps", "[polynomial_decay]") {
  auto s = schedule(Json::parse(R"({"type":"polynomial_decay","initial_learning_rate":0.1,"decay_steps":10,
                                    "end_learning_rate":0.01,"power":2,"cycle":true})"));
  CHECK(s->value(0) == Approx(0.1).epsilon(1e-14));   // Keras: multiplier 1 at step 0
  CHECK(s->value(10) == Approx(0.01).epsilon(1e-14)); // ceil(10/10) = 1: the end of the first period
  CHECK(s->value(11) == Approx(0.028225).epsilon(1e-13));  // D = 20: 0.09 * 0.45^2 + 0.01
  CHECK(s->value(20) == Approx(0.01).epsilon(1e-14));
  CHECK(s->value(25) == Approx(0.0125).epsilon(1e-13));     // D = 30: 0.09 * (1/6)^2 + 0.01
}

TEST_CASE("polynomial_decay: defaults and round trip", "[polynomial_decay]") {
  const Json spec = Json::parse(R"({"type":"polynomial_decay","decay_steps":100})");
  const Json r = lrlab::test::resolved(spec);
  CHECK(r["end_learning_rate"] == 0.0001);
  CHECK(r["power"] == 1.0);
  CHECK(r["cycle"] == false);
  CHECK(schedule(spec, 0.01)->value(50) == Approx(0.00505).epsilon(1e-13));  // linear: 0.0099 * 0.5 + 0.0001
  lrlab::test::check_round_trip(spec, {0, 1, 50, 100, 1000});
}

TEST_CASE("polynomial_decay: bad parameters", "[polynomial_decay]") {
  using lrlab::test::check_rejected;
  check_rejected(R"({"type":"polynomial_decay","decay_steps":-5})", "decay_steps", "Received: decay_steps=-5");
  check_rejected(R"({"type":"polynomial_decay","decay_steps":5,"power":-1})", "power", "must be >= 0");
  check_rejected(R"({"type":"polynomial_decay","decay_steps":5,"cycle":1})", "cycle", "true or false");
}
