// wsd against values worked out by hand from Hägele et al.'s cooldown shapes: peak 0.1, budget
// T = 100, warm-up 10, cooldown D = 20 (the default 20%) from step 80.
//   warm-up: 0.1 * t / 10           t = 5: 0.05
//   stable:  0.1                    t = 10 .. 79
//   cooldown, s = (t - 80) / 20:    t = 85 (s = 1/4): linear 0.075, cosine 0.1 * (1 + cos(pi/4)) / 2
//                                   = 0.085355339059327376, 1-sqrt 0.1 * (1 - 1/2) = 0.05
#include <catch2/catch.hpp>

#include "schedule_checks.hpp"

using lrlab::Json;
using lrlab::test::schedule;

TEST_CASE("wsd: warm-up, stable, and each cooldown shape", "[wsd]") {
  for (const auto& [shape, at_85, at_95] : {std::tuple{"linear", 0.075, 0.025},
                                            std::tuple{"cosine", 0.085355339059327376, 0.0146446609406726238},
                                            std::tuple{"1-sqrt", 0.05, 0.1 * (1 - 0.8660254037844386)}}) {
    INFO(shape);
    auto s = schedule(Json{{"type", "wsd"}, {"warmup_steps", 10}, {"shape", shape}}, 0.1, 100);
    CHECK(s->value(0) == 0.0);
    CHECK(s->value(5) == Approx(0.05).epsilon(1e-15));
    CHECK(s->value(10) == 0.1);
    CHECK(s->value(79) == 0.1);
    CHECK(s->value(80) == Approx(0.1).epsilon(1e-15));
    CHECK(s->value(85) == Approx(at_85).epsilon(1e-14));
    CHECK(s->value(95) == Approx(at_95).epsilon(1e-13));
    CHECK(s->value(100) == Approx(0.0).margin(1e-18));
    CHECK(s->value(500) == Approx(0.0).margin(1e-18));
  }
}

TEST_CASE("wsd: decay_steps, final_factor, and a budget-independent stable phase", "[wsd]") {
  auto s = schedule(Json::parse(R"({"type": "wsd", "decay_steps": 10, "final_factor": 0.1})"), 0.2, 50);
  CHECK(s->value(39) == 0.2);
  CHECK(s->value(45) == Approx(0.2 * (0.1 + 0.9 * 0.5)).epsilon(1e-15));
  CHECK(s->value(50) == Approx(0.02).epsilon(1e-15));
  // Two budgets with the same cooldown length agree up to the shorter one's cooldown.
  auto longer = schedule(Json::parse(R"({"type": "wsd", "decay_steps": 10, "warmup_steps": 5})"), 0.2, 500);
  auto shorter = schedule(Json::parse(R"({"type": "wsd", "decay_steps": 10, "warmup_steps": 5})"), 0.2, 100);
  for (std::int64_t t = 0; t < 90; ++t) CHECK(longer->value(t) == shorter->value(t));
  CHECK(shorter->value(95) < longer->value(95));
}

TEST_CASE("wsd: round trip", "[wsd]") {
  lrlab::test::check_round_trip(Json::parse(R"({"type": "wsd", "warmup_steps": 7, "shape": "1-sqrt"})"), {0, 3, 7, 500, 850, 999, 2000});
}

TEST_CASE("wsd: bad parameters", "[wsd]") {
  using lrlab::test::check_rejected;
  check_rejected(R"({"type": "wsd", "shape": "sqrt"})", "shape", "1-sqrt");
  check_rejected(R"({"type": "wsd", "decay_fraction": 0})", "decay_fraction", "must be in (0, 1]");
  check_rejected(R"({"type": "wsd", "decay_steps": 10, "decay_fraction": 0.3})", "decay_steps", "not both");
  check_rejected(R"({"type": "wsd", "warmup_steps": 900})", "warmup_steps", "do not fit in total_steps 1000");
  // A one-step cooldown runs at the peak: refused (a tester's 5-epoch budget with "unit": "epoch").
  check_rejected(R"({"type": "wsd", "decay_fraction": 0.001})", "decay_fraction", "needs 2 steps at least");
  check_rejected(R"({"type": "wsd", "decay_steps": 1})", "decay_steps", "would last 1 step of total_steps 1000");
}
