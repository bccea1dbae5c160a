// Adam's first updates against values worked out from the formulas in exact decimal arithmetic
// (40 digits, by hand-written Python, not by lrlab), for x0 = 1, lr = 0.1, beta = (0.9, 0.999) and
// the gradients 2, 1, -3. Step 1 by hand: m = 0.2, v = 0.004, m^ = 2, v^ = 4,
// x1 = 1 - 0.1 * 2 / (2 + 1e-8) = 0.9000000005 (to 10 digits).
#include <catch2/catch.hpp>
#include <cmath>

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

// A second implementation of PyTorch's update, written out plainly (pow at every step, one
// parameter at a time): Adam must give the same bits over a long run, where its shortcut for
// 1 - beta^k == 1 and its vectorised pass take over, also when beta_1 changes every step.
TEST_CASE("Adam over 200000 updates: bit for bit the plain formula, constant and cycled beta_1", "[adam]") {
  for (bool cycled : {false, true}) {
    const std::size_t n = 7;  // a vector tail too
    AdamConfig c;
    Adam adam(c, n);
    std::vector<double> x(n), ref(n), m(n, 0.0), v(n, 0.0), g(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = ref[i] = 1.0 + 0.1 * static_cast<double>(i);
    int first_difference = -1;
    for (int t = 0; t < 200000 && first_difference < 0; ++t) {
      const double b1 = cycled ? 0.85 + 0.1 * std::abs(std::sin(0.001 * t)) : 0.9;
      const double lr = 1e-3;
      for (std::size_t i = 0; i < n; ++i) g[i] = std::cos(0.37 * t + static_cast<double>(i)) + 0.5 * (x[i] - 1.0);
      adam.step(x, g, lr, b1);
      const double k = t + 1.0;
      const double bc1 = 1.0 - std::pow(b1, k), bc2 = 1.0 - std::pow(0.999, k);
      for (std::size_t i = 0; i < n; ++i) {
        const double gi = std::cos(0.37 * t + static_cast<double>(i)) + 0.5 * (ref[i] - 1.0);
        m[i] = b1 * m[i] + (1.0 - b1) * gi;
        v[i] = 0.999 * v[i] + (1.0 - 0.999) * gi * gi;
        const double denom = std::sqrt(v[i]) / std::sqrt(bc2) + 1e-8;
        ref[i] = ref[i] - lr / bc1 * m[i] / denom;
        if (ref[i] != x[i]) first_difference = t;
      }
    }
    INFO((cycled ? "cycled beta_1" : "constant beta_1"));
    CHECK(first_difference == -1);
  }
}

// dtype float32: the update written out again in float arithmetic, operation by operation as
// adam.hpp states it (scalars computed in double and rounded once: 1 - beta too, and the step
// size), must give the same bits; the parameters and moments stay float32 numbers.
TEST_CASE("Adam, dtype float32: every operation rounds to float32, scalars rounded once", "[adam]") {
  for (const bool keras : {false, true})
    for (const bool amsgrad : {false, true})
      for (const bool decoupled : {false, true}) {
        AdamConfig c;
        c.float32 = true;
        c.keras_epsilon = keras;
        c.epsilon = keras ? 1e-7 : 1e-8;
        c.amsgrad = amsgrad;
        c.weight_decay = 0.01;
        c.decoupled_weight_decay = decoupled;
        const std::size_t n = 37;
        Adam adam(c, n);
        std::vector<double> x(n), grad(n);
        for (std::size_t i = 0; i < n; ++i) x[i] = std::sin(1.0 + static_cast<double>(i)) / 3.0;  // not float32 numbers
        adam.round_to_dtype(x);
        std::vector<float> fx(n), fm(n, 0.0f), fv(n, 0.0f), fvmax(n, 0.0f);
        for (std::size_t i = 0; i < n; ++i) {
          fx[i] = static_cast<float>(std::sin(1.0 + static_cast<double>(i)) / 3.0);
          REQUIRE(x[i] == static_cast<double>(fx[i]));
        }
        for (int t = 0; t < 300; ++t) {
          const double lr = 0.01 * std::pow(0.99, t);
          for (std::size_t i = 0; i < n; ++i) grad[i] = std::cos(0.37 * t + static_cast<double>(i)) * (1.0 + 1e-3 * t);
          adam.step(x, grad, lr);
          // The reference.
          const double k = t + 1.0;
          const float b1 = 0.9f, b2 = 0.999f, eps = static_cast<float>(c.epsilon), wd = 0.01f;
          const double bc1 = 1.0 - std::pow(0.9, k), bc2 = std::sqrt(1.0 - std::pow(0.999, k));
          const float bc2_sqrt = static_cast<float>(bc2), c1 = static_cast<float>(1.0 - 0.9), c2 = static_cast<float>(1.0 - 0.999);
          const float shrink = decoupled ? static_cast<float>(1.0 - lr * 0.01) : 1.0f;
          const float step_size = static_cast<float>(keras ? lr * bc2 / bc1 : lr / bc1);
          for (std::size_t i = 0; i < n; ++i) {
            float g = static_cast<float>(grad[i]);
            if (!decoupled) g = g + wd * fx[i];
            fm[i] = b1 * fm[i] + c1 * g;
            fv[i] = b2 * fv[i] + c2 * g * g;
            float vh = fv[i];
            if (amsgrad) vh = fvmax[i] = std::max(fvmax[i], fv[i]);
            const float denom = keras ? std::sqrt(vh) + eps : std::sqrt(vh) / bc2_sqrt + eps;
            fx[i] = fx[i] * shrink - step_size * fm[i] / denom;
          }
        }
        INFO("keras " << keras << ", amsgrad " << amsgrad << ", decoupled " << decoupled);
        for (std::size_t i = 0; i < n; ++i) {
          REQUIRE(x[i] == static_cast<double>(fx[i]));
          REQUIRE(adam.state().m[i] == static_cast<double>(fm[i]));
          REQUIRE(adam.state().v[i] == static_cast<double>(fv[i]));
        }
      }
}

TEST_CASE("Adam, dtype float32 differs from float64 by float32 rounding only", "[adam]") {
  AdamConfig c32;
  c32.float32 = true;
  Adam a32(c32, 1), a64(AdamConfig{}, 1);
  std::vector<double> x32{0.5}, x64{0.5}, g(1);
  for (int t = 0; t < 100; ++t) {
    g[0] = std::cos(0.3 * t);
    a32.step(x32, g, 0.01);
    a64.step(x64, g, 0.01);
  }
  CHECK(x32[0] != x64[0]);
  CHECK(x32[0] == static_cast<double>(static_cast<float>(x32[0])));
  CHECK(x32[0] == Approx(x64[0]).epsilon(1e-5));
}

// A beta_2 that float32 cannot tell from 1 (0.99999999999 rounds to 1.0f): 1 - beta_2 is taken in
// double, 1e-11, as PyTorch does, so v still grows and the update stays finite and PyTorch-like
// (1 - float(beta_2) would be 0: v = 0 and a division 0 / 0).
TEST_CASE("Adam, dtype float32: 1 - beta is computed before rounding", "[adam]") {
  AdamConfig c;
  c.float32 = true;
  c.beta_2 = 0.99999999999;
  Adam adam(c, 1);
  std::vector<double> x{1.0}, g{0.5};
  adam.step(x, g, 0.01);
  CHECK(adam.state().v[0] == static_cast<double>(static_cast<float>(static_cast<float>(1.0 - 0.99999999999) * 0.5f * 0.5f)));
  CHECK(adam.state().v[0] > 0.0);
  CHECK(std::isfinite(x[0]));
  CHECK(x[0] == Approx(0.99).epsilon(1e-3));  // the first update moves by about lr
}
