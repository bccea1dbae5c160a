// divergence_stop and the smoothing it shares with find-lr (lrlab/smoothed_loss.hpp), against
// sequences worked out by hand. With beta 0.5 and losses 4, 2, 2, 8:
//   t  avg = 0.5 avg + 0.5 loss   1 - 0.5^(t+1)   smoothed            minimum
//   0  2                          0.5             4                   4
//   1  2                          0.75            8/3 = 2.6667        8/3
//   2  2                          0.875           16/7 = 2.2857       16/7
//   3  5                          0.9375          16/3 = 5.3333       16/7;  16/3 > 2 x 16/7 = 4.5714: diverged
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "lrlab/smoothed_loss.hpp"
#include "policies/checkpoint.hpp"
#include "policies/fake_control.hpp"

using Catch::Matchers::Contains;
using lrlab::Json;
using lrlab::test::FakeControl;
using lrlab::test::policy;

namespace {
// Feed train losses to after_step, steps 0, 1, ... until the policy stops; how many it took.
std::size_t steps_until_stop(lrlab::Policy& p, FakeControl& ctl, const std::vector<double>& losses) {
  std::size_t t = 0;
  for (; t < losses.size() && !ctl.stopped; ++t)
    p.after_step(lrlab::StepInfo{static_cast<std::int64_t>(t), 0, losses[t], ctl.lr()}, ctl);
  return t;
}
}  // namespace

TEST_CASE("smoothed loss: the moving average with bias correction, worked by hand", "[divergence_stop][smoothing]") {
  lrlab::SmoothedLoss s(0.5);
  CHECK(std::isnan(s.value()));
  CHECK(s.add(4) == 4.0);
  CHECK(s.add(2) == Approx(8.0 / 3).epsilon(1e-15));
  CHECK(s.add(2) == Approx(16.0 / 7).epsilon(1e-15));
  CHECK(s.add(8) == Approx(16.0 / 3).epsilon(1e-15));
  CHECK(s.count() == 4);
  // fastai's beta: the first smoothed value is the first loss; a constant loss stays itself.
  lrlab::SmoothedLoss f(0.98);
  CHECK(f.add(2.5) == Approx(2.5).epsilon(1e-14));
  for (int i = 0; i < 50; ++i) CHECK(f.add(2.5) == Approx(2.5).epsilon(1e-13));
  // beta 0: no smoothing at all.
  lrlab::SmoothedLoss none(0.0);
  CHECK(none.add(3.0) == 3.0);
  CHECK(none.add(7.0) == 7.0);
}

TEST_CASE("divergence watch: the minimum so far and the stop, worked by hand", "[divergence_stop][smoothing]") {
  lrlab::DivergenceWatch w(0.5, 2.0);
  auto r = w.add(4);
  CHECK((r.minimum == 4.0 && r.minimum_at == 0 && !r.diverged));
  r = w.add(2);
  CHECK((r.minimum_at == 1 && !r.diverged));
  r = w.add(2);
  CHECK((r.minimum == Approx(16.0 / 7).epsilon(1e-15) && r.minimum_at == 2 && !r.diverged));
  r = w.add(8);
  CHECK(r.smoothed == Approx(16.0 / 3).epsilon(1e-15));
  CHECK((r.minimum_at == 2 && r.diverged));
  // A factor of 3 tolerates the same sequence: 16/3 < 3 x 16/7.
  lrlab::DivergenceWatch lenient(0.5, 3.0);
  for (double loss : {4.0, 2.0, 2.0}) CHECK_FALSE(lenient.add(loss).diverged);
  CHECK_FALSE(lenient.add(8.0).diverged);
  // A minimum of zero or below never counts as diverging (the rule is for positive losses).
  lrlab::DivergenceWatch negative(0.0, 4.0);
  for (double loss : {-1.0, -0.5, 10.0, 100.0}) CHECK_FALSE(negative.add(loss).diverged);
}

TEST_CASE("divergence_stop: stops at the step whose smoothed loss exceeds diverge x its minimum, with the numbers",
          "[divergence_stop]") {
  auto p = policy(Json::parse(R"({"type": "divergence_stop", "smooth": 0.5, "diverge": 2})"));
  FakeControl ctl;
  CHECK(steps_until_stop(*p, ctl, {4, 2, 2, 8, 1, 1}) == 4);  // steps 0..3, stopped after step 3
  REQUIRE(ctl.events.size() == 1);
  CHECK(ctl.events[0].kind == "stop");
  CHECK(ctl.events[0].message ==
        "smoothed train loss 5.33333 at step 3 (lr 1) is more than 2 x its minimum 2.28571 (step 2): diverging; stopping");
  CHECK(ctl.lr() == 1.0);  // it never touches the rate
}

TEST_CASE("divergence_stop: fastai's defaults ride out noise and stop a blow-up", "[divergence_stop]") {
  auto p = policy(Json::parse(R"({"type": "divergence_stop"})"));
  FakeControl ctl;
  // A loss falling from 2.3 with +-50% noise never stops; then it grows 30% a step.
  std::vector<double> losses;
  for (int t = 0; t < 80; ++t) losses.push_back((0.3 + 2.0 * std::exp(-t / 20.0)) * (t % 2 ? 1.5 : 0.5));
  CHECK(steps_until_stop(*p, ctl, losses) == losses.size());
  CHECK_FALSE(ctl.stopped);
  for (int t = 0; t < 60; ++t) losses.push_back(0.4 * std::pow(1.3, t));
  FakeControl again;
  auto q = policy(Json::parse(R"({"type": "divergence_stop"})"));
  const std::size_t ran = steps_until_stop(*q, again, losses);
  CHECK(again.stopped);
  CHECK(ran > 80);
  CHECK(ran < 140);
}

TEST_CASE("divergence_stop: a checkpoint carries the moving average, its count and the minimum",
          "[divergence_stop][checkpoint]") {
  using namespace lrlab::test;
  const auto calls = train_steps({4, 3, 2.5, 2, 2.2, 1.9, 2.4, 3, 4, 6, 9, 14, 20, 30});
  CHECK(require_resumes_exactly(Json::parse(R"({"type": "divergence_stop", "smooth": 0.7, "diverge": 3})"), calls) > 0);
}

TEST_CASE("divergence_stop: bad parameters", "[divergence_stop]") {
  CHECK_THROWS_WITH(policy(Json::parse(R"({"type": "divergence_stop", "smooth": 1})")),
                    Contains("/policies/0/smooth") && Contains("must be in [0, 1)"));
  CHECK_THROWS_WITH(policy(Json::parse(R"({"type": "divergence_stop", "diverge": 1})")),
                    Contains("/policies/0/diverge") && Contains("must be > 1"));
  CHECK_THROWS_WITH(policy(Json::parse(R"({"type": "divergence_stop", "smoth": 0.9})")),
                    Contains("/policies/0/smoth") && Contains("smooth"));
}
