// Adam's first updates against values worked out from the formulas in exact decimal arithmetic
// (40 digits, by hand-written Python, not by lrlab), for x0 = 1, lr = 0.1, beta = (0.9, 0.999) and
// the gradients 2, 1, -3. Step 1 by hand: m = 0.2, v = 0.004, m^ = 2, v^ = 4,
// x1 = 1 - 0.1 * 2 / (2 + 1e-8) = 0.9000000005 (to 10 digits).
#include <catch2/catch.hpp>

#include "lrlab/adam.hpp"

using lrlab::Adam;
using lrlab::AdamConfig;

namespace {
std::vector<double> run(AdamConfig c, std::vector<double> grads, double lr = 0.1) {
  Adam adam(c, 1);
  std::vector<double> x{1.0}, out;
  for (double g : grads) {
    std::vector<double> grad{g};
    adam.step(x, grad, lr);
    out.push_back(x[0]);
  }
  return out;
}
void check(const std::vector<double>& got, std::initializer_list<double> want) {
  REQUIRE(got.size() == want.size());
  std::size_t i = 0;
  for (double w : want) CHECK(got[i++] == Approx(w).epsilon(1e-14));
}
}  // namespace

TEST_CASE("Adam, PyTorch form: bias correction, eps after the square root", "[adam]") {
  check(run({}, {2, 1, -3}), {0.9000000004999999975, 0.80678203720850975870, 0.81497971695564869813});
}

TEST_CASE("Adam, Keras form: lr_t = lr sqrt(1-b2^t)/(1-b1^t), eps 1e-7 on the raw sqrt", "[adam]") {
  AdamConfig c;
  c.keras_epsilon = true;
  c.epsilon = 1e-7;
  check(run(c, {2, 1, -3}), {0.90000015811363300881, 0.80678232611517800227, 0.81497999896973291620});
}

TEST_CASE("Adam, amsgrad keeps the largest second moment", "[adam]") {
  AdamConfig c;
  c.amsgrad = true;
  check(run(c, {2, 0, 0}), {0.9000000004999999975, 0.83302768685241850162, 0.78128378574903002257});
  // Without amsgrad the shrinking v gives a different path.
  check(run({}, {2, 0, 0}), {0.9000000004999999975, 0.83299417556026693568, 0.78119847876052705638});
}

TEST_CASE("Adam, L2 weight decay adds wd * x to the gradient", "[adam]") {
  AdamConfig c;
  c.weight_decay = 0.1;
  check(run(c, {2, 1, -3}), {0.90000000047619047392, 0.80623951217950885746, 0.81027628599776090937});
}

TEST_CASE("AdamW: decoupled decay shrinks x by (1 - lr wd) before the step", "[adam]") {
  AdamConfig c;
  c.weight_decay = 0.1;
  c.decoupled_weight_decay = true;
  check(run(c, {2, 1, -3}), {0.8900000004999999975, 0.78788203720350975872, 0.78820089657861360056});
}

TEST_CASE("Adam's state round-trips: restoring it replays the same update", "[adam]") {
  Adam a({}, 3);
  std::vector<double> x{1, 2, 3}, g{0.5, -1, 2};
  a.step(x, g, 0.01);
  const auto saved = a.state();
  const auto x_saved = x;
  a.step(x, g, 0.01);
  const auto x_next = x;
  a.set_state(saved);
  x = x_saved;
  a.step(x, g, 0.01);
  CHECK(x == x_next);
}
