// expression: formulas evaluated by muParser, checked against the same formulas done by hand.
#include <catch2/catch.hpp>

#include <thread>
#include <vector>

#include "schedule_checks.hpp"

using lrlab::Json;
using lrlab::test::schedule;

namespace {
Json formula(const std::string& f) { return Json{{"type", "expression"}, {"formula", f}}; }
}  // namespace

TEST_CASE("expression: variables t, epoch, lr0, total_steps, steps_per_epoch", "[expression]") {
  auto s = schedule(formula("lr0 * 0.5^floor(t / 10)"), 0.1);
  CHECK(s->value(0) == Approx(0.1).epsilon(1e-15));
  CHECK(s->value(9) == Approx(0.1).epsilon(1e-15));
  CHECK(s->value(10) == Approx(0.05).epsilon(1e-15));
  CHECK(s->value(1000) == Approx(7.888609052210118e-32).epsilon(1e-13));
  auto e = schedule(formula("lr0 / (1 + epoch)"), 0.1, 100, 5);
  CHECK(e->value(4) == Approx(0.1).epsilon(1e-15));
  CHECK(e->value(5) == Approx(0.05).epsilon(1e-15));
  auto c = schedule(formula("lr0 * 0.5 * (1 + cos(pi * min(t, total_steps) / total_steps)) + steps_per_epoch * 0"), 0.1, 100, 7);
  CHECK(c->value(50) == Approx(0.05).epsilon(1e-14));
  CHECK(c->value(100) == Approx(0.0).margin(1e-18));
  CHECK(c->value(200) == Approx(0.0).margin(1e-18));
  auto w = schedule(formula("t < 10 ? lr0 * (t + 1) / 10 : lr0 * ceil(0.5)"), 0.1);
  CHECK(w->value(0) == Approx(0.01).epsilon(1e-14));
  CHECK(w->value(9) == Approx(0.1).epsilon(1e-14));
  CHECK(w->value(10) == Approx(0.1).epsilon(1e-14));
}

TEST_CASE("expression: parse errors point into the formula", "[expression]") {
  using Catch::Matchers::Contains;
  CHECK_THROWS_WITH(schedule(formula("lr0 * gama^t")),
                    Contains("/schedule/formula") && Contains("gama") && Contains("\n  lr0 * gama^t\n        ^") &&
                        Contains("Received: formula=\"lr0 * gama^t\""));
  CHECK_THROWS_WITH(schedule(formula("lr0 * (t + 1")), Contains("/schedule/formula") && Contains("\n  lr0 * (t + 1\n"));
  CHECK_THROWS_WITH(schedule(formula("")), Contains("/schedule/formula"));
}

TEST_CASE("expression: a rate that is negative or not finite is refused", "[expression]") {
  using Catch::Matchers::Contains;
  CHECK_THROWS_WITH(schedule(formula("-lr0")), Contains("/schedule/formula") && Contains("finite and >= 0"));
  // Infinity and NaN are named as such (they once read "gives null", JSON's text for them).
  CHECK_THROWS_WITH(schedule(formula("lr0 / t")),
                    Contains("/schedule/formula") && Contains("gives inf, which is not a finite number, at t=0"));
  CHECK_THROWS_WITH(schedule(formula("sqrt(t - 1)")),
                    Contains("/schedule/formula") && Contains("nan, which is not a finite number, at t=0"));
  CHECK_THROWS_WITH(schedule(formula("-lr0")), Contains("gives -0.001 at t=0"));
  auto s = schedule(formula("lr0 - t"), 0.5);  // fine at t = 0, negative from t = 1
  CHECK(s->value(0) == 0.5);
  CHECK_THROWS_WITH(s->value(3), Contains("at t=3"));
}

TEST_CASE("expression: one schedule evaluated from many threads gives the serial values", "[expression]") {
  auto s = schedule(formula("lr0 * exp(-t / 100) * (1 + sin(t))"), 0.1);
  std::vector<double> serial(2000);
  for (std::size_t i = 0; i < serial.size(); ++i) serial[i] = s->value(static_cast<std::int64_t>(i));
  std::vector<std::vector<double>> seen(4, std::vector<double>(serial.size()));
  std::vector<std::thread> threads;
  for (std::size_t k = 0; k < seen.size(); ++k)
    threads.emplace_back([&, k] {
      for (std::size_t i = 0; i < serial.size(); ++i) seen[k][i] = s->value(static_cast<std::int64_t>(i));
    });
  for (auto& th : threads) th.join();
  for (const auto& v : seen) CHECK(v == serial);
}

TEST_CASE("expression: round trip", "[expression]") {
  lrlab::test::check_round_trip(formula("lr0 * 0.99^t"), {0, 1, 50});
  using lrlab::test::check_rejected;
  check_rejected(R"({"type":"expression"})", "formula", "required");
  check_rejected(R"({"type":"expression","formula":3})", "formula", "expected a string");
}
