// cosine_annealing_lr against PyTorch's closed form:
//   lr = eta_min + (lr0 - eta_min) * (1 + cos(pi * t / T_max)) / 2
#include <catch2/catch.hpp>

#include "schedule_checks.hpp"

using lrlab::Json;
using lrlab::test::schedule;

TEST_CASE("cosine_annealing_lr: down to eta_min at T_max, back up after", "[cosine_annealing_lr]") {
  auto s = schedule(Json::parse(R"({"type":"cosine_annealing_lr","T_max":10,"eta_min":0.01})"), 0.1);
  CHECK(s->value(0) == Approx(0.1).epsilon(1e-14));
  CHECK(s->value(5) == Approx(0.055).epsilon(1e-14));
  CHECK(s->value(9) == Approx(0.012202456766718092).epsilon(1e-13));
  CHECK(s->value(10) == Approx(0.01).epsilon(1e-14));
  CHECK(s->value(15) == Approx(0.055).epsilon(1e-13));  // PyTorch's cosine goes on past T_max
  CHECK(s->value(20) == Approx(0.1).epsilon(1e-13));
}

TEST_CASE("cosine_annealing_lr: round trip", "[cosine_annealing_lr]") {
  lrlab::test::check_round_trip(Json::parse(R"({"type":"cosine_annealing_lr","T_max":50})"), {0, 25, 50, 51});
}

TEST_CASE("cosine_annealing_lr: bad parameters", "[cosine_annealing_lr]") {
  using lrlab::test::check_rejected;
  check_rejected(R"({"type":"cosine_annealing_lr","T_max":0})", "T_max", "Received: T_max=0");
  check_rejected(R"({"type":"cosine_annealing_lr","T_max":10,"eta_min":-0.1})", "eta_min", "must be >= 0");
  check_rejected(R"({"type":"cosine_annealing_lr","t_max":10})", "t_max", "did you mean T_max?");
}
