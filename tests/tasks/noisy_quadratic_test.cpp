// noisy_quadratic (Zhang et al. 2019): the noise-free part of the gradient is H theta, checked by
// finite differences of the exact loss; the minibatch loss and its gradient agree; the noise has
// mean 0 and variance h_i / B; val_loss is exact.
#include <cmath>

#include "task_helpers.hpp"

using lrlab::Json;
using namespace lrlab::test;

namespace {

Json noisy_quadratic_spec(Json extra = Json::object()) {
  Json j{{"type", "noisy_quadratic"}, {"dimension", 20}, {"batch_size", 4}};
  j.update(extra);
  return j;
}

double exact_loss(const std::vector<double>& x) {
  double f = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) f += 0.5 * x[i] * x[i] / static_cast<double>(i + 1);
  return f;
}

}  // namespace

TEST_CASE("noisy_quadratic: val_loss is the exact loss, the start is `initial`", "[noisy_quadratic]") {
  auto task = make_task(noisy_quadratic_spec({{"initial", 2.0}}));
  CHECK(task->dimension() == 20);
  CHECK(task->steps_per_epoch() == 100);
  std::vector<double> x(20);
  task->initialize(x);
  CHECK(std::all_of(x.begin(), x.end(), [](double v) { return v == 2.0; }));
  CHECK(task->evaluate(x).get("val_loss").value() == Approx(exact_loss(x)).epsilon(1e-15));
  CHECK(!task->evaluate(x).get("val_accuracy"));
}

TEST_CASE("noisy_quadratic: the noise-free gradient H theta by finite differences of val_loss", "[noisy_quadratic]") {
  auto task = make_task(noisy_quadratic_spec());
  std::vector<double> x = probe_point(*task, 1.0), g(x.size());
  // The mean gradient over many steps is H theta: check the expected value the paper's analysis
  // uses against central differences of the exact loss.
  std::vector<double> mean(x.size(), 0.0);
  const int steps = 20000;
  for (int t = 0; t < steps; ++t) {
    task->loss_and_gradient(t, x, g);
    for (std::size_t i = 0; i < x.size(); ++i) mean[i] += g[i] / steps;
  }
  const double h = 1e-6;
  for (std::size_t i = 0; i < x.size(); ++i) {
    auto up = x, down = x;
    up[i] += h;
    down[i] -= h;
    const double fd = (task->evaluate(up).get("val_loss").value() - task->evaluate(down).get("val_loss").value()) / (2 * h);
    CAPTURE(i);
    CHECK(fd == Approx(x[i] / static_cast<double>(i + 1)).margin(1e-9));
    // Standard error of the mean: sqrt(h_i / B / steps) <= sqrt(1 / 4 / 20000) = 0.0035.
    CHECK(std::abs(mean[i] - fd) < 5 * std::sqrt(1.0 / (i + 1) / 4.0 / steps));
  }
}

TEST_CASE("noisy_quadratic: the minibatch loss and its gradient agree at every step", "[noisy_quadratic]") {
  auto task = make_task(noisy_quadratic_spec());
  for (const std::int64_t step : {0, 1, 999}) CHECK(gradient_error(*task, step, probe_point(*task)) < 1e-7);
}

TEST_CASE("noisy_quadratic: gradient noise covariance is H / batch_size", "[noisy_quadratic]") {
  for (const double batch : {1.0, 16.0}) {
    CAPTURE(batch);
    auto task = make_task(noisy_quadratic_spec({{"batch_size", batch}}));
    std::vector<double> x(20, 0.0), g(20);  // at the optimum the gradient is pure noise
    std::vector<double> sq(20, 0.0);
    double loss_mean = 0.0;
    const int steps = 20000;
    for (int t = 0; t < steps; ++t) {
      loss_mean += task->loss_and_gradient(t, x, g) / steps;
      for (std::size_t i = 0; i < 20; ++i) sq[i] += g[i] * g[i] / steps;
    }
    CHECK(loss_mean == 0.0);  // at theta = 0 the minibatch loss L + xi.theta is exactly 0
    for (std::size_t i = 0; i < 20; ++i) {
      CAPTURE(i);
      const double var = 1.0 / static_cast<double>(i + 1) / batch;
      // The sample variance of 20000 normals is within 5% of the truth with overwhelming odds
      // (its relative standard deviation is sqrt(2 / 20000) = 1%).
      CHECK(sq[i] == Approx(var).epsilon(0.05));
    }
  }
}

TEST_CASE("noisy_quadratic: the noise is a function of seed and step", "[noisy_quadratic]") {
  auto a = make_task(noisy_quadratic_spec(), 1), b = make_task(noisy_quadratic_spec(), 1), c = make_task(noisy_quadratic_spec(), 2);
  std::vector<double> x(20, 0.5), ga(20), gb(20), gc(20);
  a->loss_and_gradient(5, x, ga);
  b->loss_and_gradient(3, x, gb);
  b->loss_and_gradient(5, x, gb);
  c->loss_and_gradient(5, x, gc);
  CHECK(ga == gb);
  CHECK(ga != gc);
}
