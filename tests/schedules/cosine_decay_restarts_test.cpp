// cosine_decay_restarts against SGDR worked out period by period (Keras's CosineDecayRestarts):
// period i lasts first_decay_steps * t_mul^i steps; in it
//   lr = initial * ((1 - alpha) * 0.5 * m_mul^i * (1 + cos(pi * fraction done)) + alpha)
#include <catch2/catch.hpp>

#include "schedule_checks.hpp"

using lrlab::Json;
using lrlab::test::schedule;

TEST_CASE("cosine_decay_restarts: periods of 10, 20, 40 steps, peaks halving", "[cosine_decay_restarts]") {
  auto s = schedule(Json::parse(R"({"type":"cosine_decay_restarts","initial_learning_rate":1.0,"first_decay_steps":10,
                                    "t_mul":2,"m_mul":0.5,"alpha":0.1})"));
  CHECK(s->value(0) == Approx(1.0).epsilon(1e-14));
  CHECK(s->value(5) == Approx(0.55).epsilon(1e-14));
  CHECK(s->value(9) == Approx(0.12202456766718092).epsilon(1e-13));
  CHECK(s->value(10) == Approx(0.55).epsilon(1e-14));   // restart at m_mul * peak; alpha not scaled
  CHECK(s->value(20) == Approx(0.325).epsilon(1e-14));
  CHECK(s->value(29) == Approx(0.10277012336609403).epsilon(1e-13));
  CHECK(s->value(30) == Approx(0.325).epsilon(1e-14));
  CHECK(s->value(1000) == Approx(0.10532279561005518).epsilon(1e-12));
}

TEST_CASE("cosine_decay_restarts: exact restarts where Keras's logarithm rounds down", "[cosine_decay_restarts]") {
  // t_mul = 3: the sixth period starts at 1 + 3 + 9 + 27 + 81 = 121, where log(243)/log(3) = 4.999...
  auto s = schedule(Json::parse(R"({"type":"cosine_decay_restarts","initial_learning_rate":1.0,"first_decay_steps":1,
                                    "t_mul":3,"m_mul":0.9})"));
  CHECK(s->value(120) == Approx(0.0002467091809873349).epsilon(1e-10));
  CHECK(s->value(121) == Approx(0.59049).epsilon(1e-13));  // 0.9^5, the peak, not the old period's minimum
  CHECK(s->value(122) == Approx(0.5904653263326687).epsilon(1e-13));
}

TEST_CASE("cosine_decay_restarts: t_mul 1 restarts every first_decay_steps", "[cosine_decay_restarts]") {
  auto s = schedule(Json::parse(R"({"type":"cosine_decay_restarts","first_decay_steps":10,"t_mul":1,"m_mul":0.5})"), 1.0);
  CHECK(s->value(9) == Approx(0.024471741852423234).epsilon(1e-12));
  CHECK(s->value(10) == Approx(0.5).epsilon(1e-14));
  CHECK(s->value(15) == Approx(0.25).epsilon(1e-14));
}

TEST_CASE("cosine_decay_restarts: round trip", "[cosine_decay_restarts]") {
  const Json spec = Json::parse(R"({"type":"cosine_decay_restarts","first_decay_steps":10})");
  const Json r = lrlab::test::resolved(spec);
  CHECK(r["t_mul"] == 2.0);
  CHECK(r["m_mul"] == 1.0);
  CHECK(r["alpha"] == 0.0);
  lrlab::test::check_round_trip(spec, {0, 9, 10, 29, 30, 5000});
}

TEST_CASE("cosine_decay_restarts: bad parameters", "[cosine_decay_restarts]") {
  using lrlab::test::check_rejected;
  check_rejected(R"({"type":"cosine_decay_restarts","first_decay_steps":0})", "first_decay_steps", "Received: first_decay_steps=0");
  check_rejected(R"({"type":"cosine_decay_restarts","first_decay_steps":10,"t_mul":0.5})", "t_mul", "must be >= 1");
  check_rejected(R"({"type":"cosine_decay_restarts","first_decay_steps":10,"alpha":2})", "alpha", "must be in [0, 1]");
}
