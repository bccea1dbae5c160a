// periodic_decay: "every N steps multiply by f", with the first multiplication at first_at.
#include <catch2/catch.hpp>

#include "policies/checkpoint.hpp"
#include "policies/fake_control.hpp"
#include "policies/scripted_task.hpp"

using lrlab::Json;
using lrlab::test::FakeControl;
using lrlab::test::policy;
using lrlab::test::rates_are;

namespace {
// The rate each of `steps` updates uses when the policy acts before it.
std::vector<double> used_rates(const char* spec, std::int64_t steps) {
  auto p = policy(Json::parse(spec));
  FakeControl ctl;
  std::vector<double> r;
  for (std::int64_t t = 0; t < steps; ++t) {
    p->before_step(t, t, ctl);
    r.push_back(ctl.lr());
  }
  return r;
}
}  // namespace

TEST_CASE("periodic_decay: first_at 0 is the loop that tests the counter before the update", "[periodic_decay]") {
  // if t % 3 == 0: lr *= 0.5, before update t: update 0 already uses 0.5.
  CHECK_THAT(used_rates(R"({"type": "periodic_decay", "every": 3, "factor": 0.5, "first_at": 0})", 8),
             rates_are({0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125, 0.125}));
}

TEST_CASE("periodic_decay: by default the first multiplication is after `every` updates", "[periodic_decay]") {
  CHECK_THAT(used_rates(R"({"type": "periodic_decay", "every": 3, "factor": 0.5})", 8),
             rates_are({1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25}));
  CHECK_THAT(used_rates(R"({"type": "periodic_decay", "every": 3, "factor": 0.5, "first_at": 5})", 9),
             rates_are({1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.25}));
}

TEST_CASE("periodic_decay: in the core, first_at = every equals the staircase exponential decay",
          "[periodic_decay][runner]") {
  auto spec = [](const char* schedule, const char* policies) {
    return Json::parse(std::string(R"({"task": {"type": "scripted", "val_loss": [1.0]}, "optimizer": {"learning_rate": 0.01},
      "budget": {"steps": 10}, "schedule": )") + schedule + R"(, "policies": )" + policies + "}");
  };
  const auto manual = lrlab::test::run_first_trial(
      spec(R"({"type": "constant"})", R"([{"type": "periodic_decay", "every": 4, "factor": 0.9}])"));
  const auto article = lrlab::test::run_first_trial(
      spec(R"({"type": "constant"})", R"([{"type": "periodic_decay", "every": 4, "factor": 0.9, "first_at": 0}])"));
  const auto staircase = lrlab::test::run_first_trial(
      spec(R"({"type": "exponential_decay", "decay_steps": 4, "decay_rate": 0.9, "staircase": true})", "[]"));
  CHECK_THAT(manual.lrs(), rates_are(staircase.lrs()));
  CHECK_THAT(manual.lrs(), rates_are({0.01, 0.01, 0.01, 0.01, 0.009, 0.009, 0.009, 0.009, 0.0081, 0.0081}));
  CHECK_THAT(article.lrs(), rates_are({0.009, 0.009, 0.009, 0.009, 0.0081, 0.0081, 0.0081, 0.0081, 0.00729, 0.00729}));
  REQUIRE(article.events.size() == 3);
  CHECK(article.events[0].step == 0);
  CHECK(article.events[0].message == "step 0 = 0 + k*4; lr 0.01 -> 0.009 (x0.9)");
}

TEST_CASE("periodic_decay: has no state to checkpoint, a fresh policy continues the same", "[periodic_decay][checkpoint]") {
  using namespace lrlab::test;
  auto p = policy(Json::parse(R"({"type": "periodic_decay", "every": 3, "factor": 0.5, "first_at": 1})"));
  CHECK(saved_state(*p).empty());
  CHECK(require_resumes_exactly(Json::parse(R"({"type": "periodic_decay", "every": 3, "factor": 0.5, "first_at": 1})"),
                                step_starts(12, 4)) == 0);
}
