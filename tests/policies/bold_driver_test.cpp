// bold_driver: x increase after an improvement on the previous evaluation, x decrease after a worsening.
#include <catch2/catch.hpp>

#include "policies/checkpoint.hpp"
#include "policies/fake_control.hpp"

using lrlab::Json;
using lrlab::test::FakeControl;
using lrlab::test::feed;
using lrlab::test::policy;
using lrlab::test::rates_are;

TEST_CASE("bold_driver: grows on improvement, halves on worsening, holds on a tie", "[bold_driver]") {
  auto p = policy(Json::parse(R"({"type": "bold_driver"})"));
  FakeControl ctl;
  // 1.0 (reference); 0.9 better: x1.1; 0.95 worse: x0.5; 0.95 tie; 0.8 better: x1.1.
  CHECK_THAT(feed(*p, ctl, {1.0, 0.9, 0.95, 0.95, 0.8}), rates_are({1, 1.1, 0.55, 0.55, 0.605}));
  REQUIRE(ctl.events.size() == 3);
  CHECK(ctl.events[0].kind == "increase");
  CHECK(ctl.events[0].message == "val_loss 1 -> 0.9 improved; lr 1 -> 1.1 (x1.1)");
  CHECK(ctl.events[1].kind == "decrease");
  CHECK(ctl.events[1].message == "val_loss 0.9 -> 0.95 got worse; lr 1.1 -> 0.55 (x0.5)");
}

TEST_CASE("bold_driver: compares with the previous evaluation, not the best, min_delta is a dead band",
          "[bold_driver]") {
  auto p = policy(Json::parse(R"({"type": "bold_driver", "increase": 2, "decrease": 0.25, "min_delta": 0.05})"));
  FakeControl ctl;
  // 1.0; 0.5 better: x2; 0.8 worse: x0.25; 0.7 better than 0.8 (though not than 0.5): x2; 0.68: within 0.05.
  CHECK_THAT(feed(*p, ctl, {1.0, 0.5, 0.8, 0.7, 0.68}), rates_are({1, 2, 0.5, 1, 1}));
}

TEST_CASE("bold_driver: mode max for accuracies", "[bold_driver]") {
  auto p = policy(Json::parse(R"({"type": "bold_driver", "monitor": "val_accuracy", "mode": "max"})"));
  FakeControl ctl;
  CHECK_THAT(feed(*p, ctl, {0.5, 0.6, 0.55}, "val_accuracy"), rates_are({1, 1.1, 0.55}));
}

TEST_CASE("bold_driver: a checkpoint carries the previous evaluation", "[bold_driver][checkpoint]") {
  using namespace lrlab::test;
  const auto calls = evaluations({1.0, 0.9, 0.95, 0.95, 0.8, 0.81, 0.7});
  CHECK(require_resumes_exactly(Json::parse(R"({"type": "bold_driver", "increase": 1.1, "decrease": 0.5, "min_delta": 0.005})"),
                                calls) > 0);
}
