// statistical_plateau: dlib's slope test, checked against a plain least-squares reference, and the
// policy driven by a scripted train loss whose reductions can be worked out by hand.
#include <catch2/catch.hpp>

#include <cmath>
#include <deque>

#include "../../plugins/plateau/running_gradient.hpp"
#include "../../plugins/plateau/steps_without_decrease.hpp"
#include "policies/checkpoint.hpp"
#include "policies/fake_control.hpp"

using lrlab::Json;
using lrlab::plateau::RunningGradient;
using lrlab::test::FakeControl;
using lrlab::test::policy;
using Catch::Matchers::Contains;

TEST_CASE("statistical_plateau: the running slope is ordinary least squares", "[statistical_plateau]") {
  const std::vector<double> y{3.0, 2.5, 2.7, 1.9, 2.0, 1.2, 1.4, 0.9};
  RunningGradient g;
  for (double v : y) g.add(v);
  // Closed form: slope = sum (i - m)(y - ybar) / sum (i - m)^2; se = sqrt(rss / (n - 2) / sum (i - m)^2).
  const double n = 8, m = 3.5;
  double ybar = 0, sxy = 0, sxx = 0, rss = 0;
  for (double v : y) ybar += v / n;
  for (int i = 0; i < 8; ++i) sxy += (i - m) * (y[i] - ybar), sxx += (i - m) * (i - m);
  const double slope = sxy / sxx, icpt = ybar - slope * m;
  for (int i = 0; i < 8; ++i) rss += std::pow(y[i] - (icpt + slope * i), 2);
  const double se = std::sqrt(rss / (n - 2) / sxx);
  // RLS starts from the prior P = 1e6 I (dlib's choice): a ridge of 1e-6 that biases the slope by ~1e-7 and adds
  // ~1e-6 |w|^2 to the residual sum, here 1e-5 of the standard error.
  CHECK(g.slope() == Approx(slope).epsilon(1e-6));
  CHECK(g.standard_error() == Approx(se).epsilon(1e-4));
  CHECK(g.probability_slope_below(0.0) == Approx(0.5 * std::erfc(slope / se / std::sqrt(2.0))).epsilon(1e-4));
}

TEST_CASE("statistical_plateau: steps without decrease, plain and robust to a few bad batches",
          "[statistical_plateau]") {
  using lrlab::plateau::steps_without_decrease;
  using lrlab::plateau::steps_without_decrease_robust;
  CHECK(steps_without_decrease({10, 9, 8, 7, 6, 5}, 0.51) == 0);   // clearly decreasing
  CHECK(steps_without_decrease({5, 6, 7, 8, 9, 10}, 0.51) == 6);   // increasing: never decreasing
  // A decreasing run ending in one huge loss: the plain count is fooled by the spike, the robust one
  // ignores values above the 90% quantile (index round(10 * 0.9) = 9 of the 11 sorted: 10) and is not.
  const std::deque<double> spiked{10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 100};
  CHECK(steps_without_decrease(spiked, 0.51) > 0);
  CHECK(steps_without_decrease_robust(spiked, 0.51, 0.1) == 0);
}

namespace {
// Train loss 100 - t falling for t < 30, then rising slowly: 70 + 0.01 (t - 30).
double loss(std::int64_t t) { return t < 30 ? 100.0 - static_cast<double>(t) : 70.0 + 0.01 * static_cast<double>(t - 30); }

// Steps after which the policy reduced the rate, and the rates they left.
std::vector<std::int64_t> reductions(const char* spec, std::int64_t steps, FakeControl& ctl) {
  auto p = policy(Json::parse(spec));
  std::vector<std::int64_t> at;
  for (std::int64_t t = 0; t < steps; ++t) {
    const std::size_t before = ctl.events.size();
    p->after_step(lrlab::StepInfo{t, t, loss(t), ctl.lr()}, ctl);
    if (ctl.events.size() != before) at.push_back(t);
  }
  return at;
}
}  // namespace

TEST_CASE("statistical_plateau: reduces once a whole window shows no decrease", "[statistical_plateau]") {
  // window 10, checked after every step (200 checks per window): the window first holds only rising
  // losses after step 39 (losses of steps 30..39). Then dump_amount 5 + 10/10 = 6 losses are dropped,
  // so the window is full of rising losses again after step 45, then 51.
  FakeControl ctl;
  CHECK(reductions(R"({"type": "statistical_plateau", "window": 10, "dump_amount": 5})", 56, ctl) ==
        std::vector<std::int64_t>{39, 45, 51});
  CHECK(ctl.lr() == Approx(1e-3).epsilon(1e-12));
  CHECK(ctl.events[0].kind == "reduce");
  CHECK_THAT(ctl.events[0].message, Contains("train loss not decreasing over the last 10 steps") &&
                                         Contains("slope 0.01") && Contains("P(decreasing) = ") &&
                                         Contains("top 10% of losses dropped") && Contains("lr 1 -> 0.1"));
}

TEST_CASE("statistical_plateau: tests on dlib's budget, not every step", "[statistical_plateau]") {
  // checks_per_window 5, window 10: the budget grows by 5 per step and is tested when it exceeds 10,
  // after steps 2, 5, 8, ...: the first test with a rising window is after step 41.
  FakeControl ctl;
  CHECK(reductions(R"({"type": "statistical_plateau", "window": 10, "dump_amount": 5, "checks_per_window": 5})", 45,
                   ctl) == std::vector<std::int64_t>{41});
}

TEST_CASE("statistical_plateau: min_lr bounds the reduced rate", "[statistical_plateau]") {
  FakeControl ctl;
  reductions(R"({"type": "statistical_plateau", "window": 10, "dump_amount": 5, "min_lr": 0.05})", 56, ctl);
  REQUIRE(ctl.events.size() == 3);
  CHECK(ctl.events[0].new_lr == Approx(0.1));
  CHECK(ctl.events[1].new_lr == 0.05);
  CHECK(ctl.events[2].kind == "reduce_skipped");
  CHECK(ctl.lr() == 0.05);
}

TEST_CASE("statistical_plateau: a checkpoint carries the window of losses and the check budget",
          "[statistical_plateau][checkpoint]") {
  using namespace lrlab::test;
  // The losses of the test above for 56 steps: reductions after steps 39, 45 and 51 (window 10),
  // checked every 3rd step (checks_per_window 4), so both the window and the budget decide.
  std::vector<double> losses;
  for (std::int64_t t = 0; t < 56; ++t) losses.push_back(loss(t));
  const auto spec = Json::parse(R"({"type": "statistical_plateau", "window": 10, "dump_amount": 5, "checks_per_window": 4})");
  CHECK(require_resumes_exactly(spec, train_steps(losses)) > 0);
}
