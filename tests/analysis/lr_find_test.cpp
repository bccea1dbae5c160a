// The suggestion rules of find-lr (lrlab/analysis/lr_find.hpp): small cases worked by hand, and
// many curves against tests/reference/lr_find_oracle.py, fastai's functions transcribed to plain
// Python, which must pick the same points from the same raw losses.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <sstream>

#include "lrlab/analysis/lr_find.hpp"
#include "lrlab/analysis/table.hpp"
#include "lrlab/json.hpp"
#include "support/cli.hpp"

using namespace lrlab::analysis;
using lrlab::Json;

namespace {

// A range test's rates: 1e-7 to 10 over `n` steps, exp.
std::vector<double> ramp(std::size_t n) {
  std::vector<double> lrs;
  for (std::size_t t = 0; t < n; ++t) lrs.push_back(1e-7 * std::pow(1e8, static_cast<double>(t) / static_cast<double>(n - 1)));
  return lrs;
}

LrCurve curve_of(const std::vector<double>& losses, double beta = 0.98) {
  LrCurve c;
  for (std::size_t t = 0; t < losses.size(); ++t) c.steps.push_back(static_cast<std::int64_t>(t));
  c.lrs = ramp(losses.size());
  c.losses = losses;
  c.smoothed = smoothed_losses(losses, beta);
  return c;
}

// A deterministic stream of numbers in [0, 1) (an LCG: the curves need only be varied).
struct Lcg {
  std::uint64_t s;
  double next() {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(s >> 11) / 9007199254740992.0;
  }
};

// A range test's raw losses: a plateau, a fall of varying depth and steepness, a blow-up at
// varying rates, multiplicative noise; cut short where a divergence stop might have stopped it.
std::vector<double> synthetic_losses(Lcg& g, std::size_t n) {
  const double fall_at = 0.3 + 0.3 * g.next(), rise_at = fall_at + 0.15 + 0.25 * g.next();
  const double depth = 0.5 + 1.8 * g.next(), noise = 0.02 + 0.4 * g.next();
  std::vector<double> out;
  for (std::size_t t = 0; t < n; ++t) {
    const double x = static_cast<double>(t) / static_cast<double>(n);
    const double base = 2.3 - depth / (1 + std::exp(-(x - fall_at) * 30)) + std::exp((x - rise_at) * 25);
    out.push_back(base * (1 + noise * (g.next() - 0.5)));
  }
  return out;
}

}  // namespace

TEST_CASE("lr_find: valley, steepest and minimum/10 on small curves worked by hand", "[analysis][lr_find]") {
  const std::vector<double> lrs{1e-4, 1e-3, 1e-2, 1e-1, 1};
  // Slopes against ln(rate): -0.1/ln10, -1.9/ln10, +4/ln10, ...: steepest at the start of the second interval.
  const std::vector<double> losses{3, 2.9, 1.0, 5.0, 6.0};
  auto s = steepest(lrs, losses);
  REQUIRE(s);
  CHECK(s->index == 1);
  CHECK(s->learning_rate == 1e-3);
  auto m = minimum_tenth(lrs, losses);
  REQUIRE(m);
  CHECK(m->index == 2);
  CHECK(m->learning_rate == Approx(1e-3).epsilon(1e-15));  // a tenth of the rate at the minimum

  // Ten falling points, then rising: the longest decreasing run ends at index 9 with length 10, so
  // fastai's max_start is 9 - 10 = -1 and its index -1 + floor(10/3) + floor(10/6) = 3.
  std::vector<double> v_lrs, v_losses;
  for (int i = 0; i < 14; ++i) {
    v_lrs.push_back(std::pow(10.0, -6 + 0.5 * i));
    v_losses.push_back(i < 10 ? 10.0 - i : 1.0 + i);
  }
  auto v = valley(v_lrs, v_losses);
  REQUIRE(v);
  CHECK(v->index == 3);
  CHECK(v->learning_rate == v_lrs[3]);
  // Two falling points: index -1 + 0 + 0, which Python reads as the last point; kept.
  auto two = valley({1e-3, 1e-2}, {2.0, 1.0});
  REQUIRE(two);
  CHECK(two->index == 1);
  // Ties go to the first point.
  auto tie = minimum_tenth({1, 2, 3}, {5, 1, 1});
  CHECK(tie->index == 1);
  // Too few points.
  CHECK_FALSE(valley({}, {}));
  CHECK_FALSE(steepest({1e-3}, {1.0}));
  CHECK_FALSE(minimum_tenth({}, {}));
  CHECK_THROWS_WITH(apply_rule("median", lrs, losses), Catch::Matchers::Contains("valley, steepest, minimum/10"));
}

TEST_CASE("lr_find: the rules see lrs[steps//10:-5], cut at the first loss that is not finite", "[analysis][lr_find]") {
  std::vector<double> losses(40, 1.0);
  const LrCurve c = curve_of(losses);
  Window w = suggestion_window(c, 100);  // 40 of 100 steps ran (a stop): from 10 to 40 - 5
  CHECK((w.begin == 10 && w.end == 35));
  losses[20] = NAN;
  w = suggestion_window(curve_of(losses), 100);
  CHECK((w.begin == 10 && w.end == 20));
  w = suggestion_window(curve_of(std::vector<double>(4, 1.0)), 100);
  CHECK(w.size() == 0);
  w = suggestion_window(curve_of(std::vector<double>(12, 1.0)), 100);  // 12 - 5 = 7 < 10
  CHECK(w.size() == 0);
  // No window, no suggestion: every rule answers nothing.
  for (const auto& r : suggest(curve_of(std::vector<double>(12, 1.0)), 100)) CHECK_FALSE(r.pick);
}

TEST_CASE("lr_find: the spread of a rule over seeds, the median of two on the log scale", "[analysis][lr_find]") {
  auto s = spread({3e-3, 1e-3, 2e-3});
  REQUIRE(s);
  CHECK((s->median == 2e-3 && s->min == 1e-3 && s->max == 3e-3 && s->n == 3));
  s = spread({1e-1, 1e-3});
  CHECK(s->median == Approx(1e-2).epsilon(1e-14));
  CHECK_FALSE(spread({}));
}

TEST_CASE("lr_find: smoothing, window and every rule agree with fastai's code transcribed to Python on 60 curves",
          "[analysis][lr_find][oracle]") {
  Lcg g{20240611};
  struct Case {
    LrCurve curve;
    std::int64_t steps_asked;
    double beta;
  };
  std::vector<Case> cases;
  Json curves = Json::array();
  for (int k = 0; k < 60; ++k) {
    const std::int64_t asked = k % 3 == 0 ? 100 : (k % 3 == 1 ? 60 : 200);
    std::size_t n = static_cast<std::size_t>(asked);
    if (k % 4 == 1) n = static_cast<std::size_t>(0.5 * static_cast<double>(asked) + 20 * g.next());  // stopped early
    std::vector<double> losses = synthetic_losses(g, n);
    if (k % 10 == 7) losses[n - 7] = NAN;  // a NaN near the end: everything from it is dropped
    const double beta = k % 5 == 4 ? 0.9 : 0.98;
    cases.push_back({curve_of(losses, beta), asked, beta});
    Json raw = Json::array();
    for (const double v : losses) raw.push_back(std::isnan(v) ? Json(nullptr) : Json(v));
    curves.push_back(Json{{"lrs", cases.back().curve.lrs}, {"losses", raw}, {"num_it", asked}, {"beta", beta}});
  }
  const auto dir = lrlab::test::temp_dir("lr-find-oracle");
  lrlab::test::write_file(dir / "curves.json", Json{{"curves", curves}}.dump());
  const auto r = lrlab::test::run_shell("python3 " + lrlab::test::shell_quote(std::string(LRLAB_SOURCE_DIR) + "/tests/reference/lr_find_oracle.py") +
                                        " < curves.json", dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  std::istringstream lines(r.out);
  std::string line;
  std::size_t checked = 0, answered = 0;
  for (const auto& c : cases) {
    REQUIRE(std::getline(lines, line));
    const Json want = Json::parse(line);
    INFO("case " << checked << ": " << c.curve.lrs.size() << " points of " << c.steps_asked << ", beta " << c.beta);
    // The smoothed losses, bit for bit (the same operations in the same order).
    REQUIRE(want["smoothed"].size() == c.curve.smoothed.size());
    for (std::size_t i = 0; i < c.curve.smoothed.size(); ++i) {
      if (std::isnan(c.curve.smoothed[i])) CHECK(want["smoothed"][i].is_null());
      else CHECK(want["smoothed"][i].get<double>() == c.curve.smoothed[i]);
    }
    for (const auto& got : suggest(c.curve, c.steps_asked)) {
      INFO("rule " << got.rule);
      REQUIRE(want.contains(got.rule) == got.pick.has_value());
      if (!got.pick) continue;
      ++answered;
      CHECK(want[got.rule][0].get<std::size_t>() == got.pick->index);
      CHECK(want[got.rule][1].get<double>() == got.pick->learning_rate);
    }
    ++checked;
  }
  CHECK(checked == 60);
  CHECK(answered > 150);  // most curves give every rule something to answer
}
