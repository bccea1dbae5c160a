// cosine_annealing_warm_restarts against SGDR worked out period by period (PyTorch's
// CosineAnnealingWarmRestarts): periods T_0, T_0 * T_mult, ...; in each
//   lr = eta_min + (lr0 - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2
#include <catch2/catch.hpp>

#include "schedule_checks.hpp"

using lrlab::Json;
using lrlab::test::schedule;

TEST_CASE("cosine_annealing_warm_restarts: periods of 10, 20, 40", "[cosine_annealing_warm_restarts]") {
  auto s = schedule(Json::parse(R"({"type":"cosine_annealing_warm_restarts","T_0":10,"T_mult":2})"), 0.1);
  CHECK(s->value(0) == Approx(0.1).epsilon(1e-15));
  CHECK(s->value(5) == Approx(0.05).epsilon(1e-14));
  CHECK(s->value(9) == Approx(0.0024471741852423235).epsilon(1e-12));
  CHECK(s->value(10) == Approx(0.1).epsilon(1e-15));
  CHECK(s->value(20) == Approx(0.05).epsilon(1e-14));
  CHECK(s->value(29) == Approx(0.0006155829702431171).epsilon(1e-11));
  CHECK(s->value(30) == Approx(0.1).epsilon(1e-15));
  CHECK(s->value(70) == Approx(0.1).epsilon(1e-15));
}

TEST_CASE("cosine_annealing_warm_restarts: T_mult 1 and eta_min", "[cosine_annealing_warm_restarts]") {
  auto s = schedule(Json::parse(R"({"type":"cosine_annealing_warm_restarts","T_0":10,"eta_min":0.001})"), 0.1);
  CHECK(s->value(9) == Approx(0.0034227024433899004).epsilon(1e-12));
  CHECK(s->value(10) == Approx(0.1).epsilon(1e-15));
  CHECK(s->value(25) == Approx(0.0505).epsilon(1e-14));
  // Far past anything a trial runs, and where T_i would overflow an int64: still a rate in range.
  auto big = schedule(Json::parse(R"({"type":"cosine_annealing_warm_restarts","T_0":3,"T_mult":1000})"), 0.1);
  const double v = big->value(INT64_C(9000000000000000000));
  CHECK(v >= 0.0);
  CHECK(v <= 0.1);
}

TEST_CASE("cosine_annealing_warm_restarts: round trip", "[cosine_annealing_warm_restarts]") {
  lrlab::test::check_round_trip(Json::parse(R"({"type":"cosine_annealing_warm_restarts","T_0":7,"T_mult":3})"),
                                {0, 6, 7, 27, 28, 1000});
}

TEST_CASE("cosine_annealing_warm_restarts: bad parameters", "[cosine_annealing_warm_restarts]") {
  using lrlab::test::check_rejected;
  check_rejected(R"({"type":"cosine_annealing_warm_restarts","T_0":0})", "T_0", "Received: T_0=0");
  check_rejected(R"({"type":"cosine_annealing_warm_restarts","T_0":10,"T_mult":0})", "T_mult", "must be >= 1");
  check_rejected(R"({"type":"cosine_annealing_warm_restarts","T_0":10,"T_mult":1.5})", "T_mult", "an integer");
}
