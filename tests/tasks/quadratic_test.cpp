// quadratic: the loss and gradient against the formula worked out by hand, the gradient noise
// stream, and checkpoints: the noise stream's position is the task's state.
#include <cmath>

#include "task_helpers.hpp"

using lrlab::Json;
using namespace lrlab::test;

TEST_CASE("quadratic: loss and gradient of 1/2 sum h_i (x_i - c_i)^2, val_loss exact", "[quadratic]") {
  auto task = make_task(Json::parse(R"({"type": "quadratic", "curvatures": [1, 10], "targets": [1, -1], "initial": [3, 2]})"));
  std::vector<double> x(2), g(2);
  task->initialize(x);
  CHECK(x == std::vector<double>{3, 2});
  // 1/2 (1 * 2^2 + 10 * 3^2) = 47; gradient (1 * 2, 10 * 3).
  CHECK(task->loss_and_gradient(0, x, g) == 47.0);
  CHECK(g == std::vector<double>{2, 30});
  CHECK(task->evaluate(x).get("val_loss") == 47.0);
}

TEST_CASE("quadratic: with noise_std the gradient carries N(0, noise_std^2) noise, the loss does not", "[quadratic]") {
  auto task = make_task(Json::parse(R"({"type": "quadratic", "curvatures": [2], "initial": [1], "noise_std": 0.5})"));
  std::vector<double> x{1.0}, g(1);
  // The noise comes from Rng(derive_seed(seed, streams::noise)) in the task, one normal per coordinate.
  lrlab::Rng rng(lrlab::derive_seed(11, lrlab::streams::noise));
  for (std::int64_t t = 0; t < 5; ++t) {
    CHECK(task->loss_and_gradient(t, x, g) == 1.0);
    CHECK(g[0] == 2.0 + 0.5 * rng.normal());
  }
}

TEST_CASE("quadratic: a checkpoint carries the noise stream, a fresh task continues bit for bit", "[quadratic][checkpoint]") {
  lrlab::SharedData shared;
  // An odd split leaves the Gaussian spare of the polar method inside the checkpoint.
  for (const std::int64_t split : {0, 1, 7, 20}) {
    CAPTURE(split);
    const bool state_matters = require_task_resumes_exactly(
        Json::parse(R"({"type": "quadratic", "dimension": 3, "condition_number": 10, "noise_std": 0.1})"), split, 30, shared);
    CHECK(state_matters == (split > 0));
  }
  // Without noise there is nothing to carry.
  CHECK_FALSE(require_task_resumes_exactly(Json::parse(R"({"type": "quadratic", "curvatures": [1, 4]})"), 5, 10, shared));
}
