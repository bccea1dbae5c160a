// wilson_separable (Wilson et al. 2017, section 3.3). The task is read as a black box: its loss is
// 1/(2n) ||Xw - y||^2, so the gradient at w = 0 is -X^T y / n and the gradient difference
// g(e_c) - g(0) is X^T X e_c / n, which for the first coordinate of training point i's own block
// (c = 3 + 5i, used by that point alone) is x_i / n: the design matrix comes out of the loss, and
// the construction is checked on it by hand. The test points are probed through test_loss at
// chosen w. Then the minimum-norm interpolant, solved here by Gaussian elimination on X X^T and
// in the closed form the symmetry of the problem gives, classifies every test point correctly,
// gradient descent through the task's gradient converges to it, and the adaptive methods' limit
// sign(X^T y) / 4 labels every test point positive.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "task_helpers.hpp"

using lrlab::Json;
using namespace lrlab::test;

namespace {

Json wilson(std::int64_t n, double p = 0.6, std::int64_t n_val = 30, std::int64_t n_test = 40) {
  return Json{{"type", "wilson_separable"}, {"n", n}, {"p", p}, {"n_val", n_val}, {"n_test", n_test}};
}

std::vector<double> gradient_at(lrlab::Task& task, const std::vector<double>& w) {
  std::vector<double> g(w.size());
  task.loss_and_gradient(0, w, g);
  return g;
}

// The training set as the loss reveals it.
struct Design {
  std::vector<std::vector<double>> x;  // x[i]: the features of training point i, all coordinates
  std::vector<double> y;
};

Design design_of(lrlab::Task& task, std::size_t n) {
  const std::size_t d = task.dimension();
  const std::vector<double> zero(d, 0.0);
  const std::vector<double> g0 = gradient_at(task, zero);
  Design out;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t c = 3 + 5 * i;
    std::vector<double> e = zero;
    e[c] = 1.0;
    const std::vector<double> g = gradient_at(task, e);
    std::vector<double> x(d);
    for (std::size_t j = 0; j < d; ++j) x[j] = std::round(static_cast<double>(n) * (g[j] - g0[j]) * 1e9) / 1e9;
    out.x.push_back(std::move(x));
    out.y.push_back(std::round(-static_cast<double>(n) * g0[c]));
  }
  return out;
}

double test_metric(lrlab::Task& task, const std::vector<double>& w, const char* name) {
  return task.evaluate_test(w).get(name).value();
}

// Solves A z = b by Gaussian elimination with partial pivoting (A is small and well conditioned).
std::vector<double> solve(std::vector<std::vector<double>> a, std::vector<double> b) {
  const std::size_t n = b.size();
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t pivot = k;
    for (std::size_t r = k + 1; r < n; ++r)
      if (std::abs(a[r][k]) > std::abs(a[pivot][k])) pivot = r;
    std::swap(a[k], a[pivot]);
    std::swap(b[k], b[pivot]);
    for (std::size_t r = k + 1; r < n; ++r) {
      const double f = a[r][k] / a[k][k];
      for (std::size_t c = k; c < n; ++c) a[r][c] -= f * a[k][c];
      b[r] -= f * b[k];
    }
  }
  std::vector<double> z(n);
  for (std::size_t k = n; k-- > 0;) {
    double s = b[k];
    for (std::size_t c = k + 1; c < n; ++c) s -= a[k][c] * z[c];
    z[k] = s / a[k][k];
  }
  return z;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  return std::inner_product(a.begin(), a.end(), b.begin(), 0.0);
}

}  // namespace

TEST_CASE("wilson_separable: the training points are the paper's construction (x_i1 = y_i, 1 or 5 features of their own)",
          "[wilson_separable]") {
  const std::size_t n = 25;
  auto task = make_task(wilson(25));
  CHECK(task->dimension() == 3 + 5 * (25 + 30 + 40));
  CHECK(task->steps_per_epoch() == 1);
  std::vector<double> w(task->dimension(), 7.0);
  task->initialize(w);
  CHECK(std::all_of(w.begin(), w.end(), [](double v) { return v == 0.0; }));

  const Design data = design_of(*task, n);
  double label_sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    CAPTURE(i);
    const auto& x = data.x[i];
    const double y = data.y[i];
    REQUIRE(std::abs(y) == 1.0);
    label_sum += y;
    CHECK(x[0] == y);
    CHECK(x[1] == 1.0);
    CHECK(x[2] == 1.0);
    // Its own features: the first 1 (y = +1) or 5 (y = -1) coordinates of its block, nothing else.
    const std::size_t own = y > 0 ? 1 : 5;
    for (std::size_t j = 3; j < x.size(); ++j) {
      CAPTURE(j);
      const bool mine = j >= 3 + 5 * i && j < 3 + 5 * i + own;
      CHECK(x[j] == (mine ? 1.0 : 0.0));
    }
  }
  // The paper's premise, which the task draws until it holds.
  CHECK(label_sum > 0.0);
}

TEST_CASE("wilson_separable: validation and test points share no feature with the training points but the first three",
          "[wilson_separable]") {
  const std::size_t n = 12, n_val = 30, n_test = 40;
  auto task = make_task(wilson(12));
  const std::size_t d = task->dimension();
  // No training gradient ever touches the other points' blocks, wherever w is.
  const std::vector<double> g = gradient_at(*task, probe_point(*task, 1.0));
  for (std::size_t j = 3 + 5 * n; j < d; ++j) CHECK(g[j] == 0.0);

  // The test points through test_loss = 1/(2m) sum (w.x - y)^2 and the rule y (w.x) > 0:
  // w = e_0 gives margin y: loss 0, everything right.
  std::vector<double> w(d, 0.0);
  w[0] = 1.0;
  CHECK(test_metric(*task, w, "test_loss") == 0.0);
  CHECK(test_metric(*task, w, "test_accuracy") == 1.0);
  // w = e_1 gives margin 1: right on the positives (share q), loss 1/(2m) * 4 * negatives = 2 (1 - q).
  w.assign(d, 0.0);
  w[1] = 1.0;
  const double q = test_metric(*task, w, "test_accuracy");
  CHECK(test_metric(*task, w, "test_loss") == Approx(2.0 * (1.0 - q)).epsilon(1e-14));
  CHECK(q > 0.0);
  CHECK(q < 1.0);
  // 1 on every coordinate of the test blocks: margin 1 on a positive point (loss 0), 5 on a
  // negative one (loss (5 + 1)^2 / 2 = 18): a positive has one feature of its own, a negative five.
  w.assign(d, 0.0);
  for (std::size_t j = 3 + 5 * (n + n_val); j < 3 + 5 * (n + n_val + n_test); ++j) w[j] = 1.0;
  CHECK(test_metric(*task, w, "test_loss") == Approx(18.0 * (1.0 - q)).epsilon(1e-14));
  // 1 on every training and validation block: no test point sees it, every margin is 0, which
  // counts as an error; the loss is that of w = 0, 1/2.
  w.assign(d, 0.0);
  for (std::size_t j = 3; j < 3 + 5 * (n + n_val); ++j) w[j] = 1.0;
  CHECK(test_metric(*task, w, "test_loss") == 0.5);
  CHECK(test_metric(*task, w, "test_accuracy") == 0.0);
  // Validation: the same rules on its own points; val_error = 1 - val_accuracy.
  w.assign(d, 0.0);
  w[1] = 1.0;
  const auto val = task->evaluate(w);
  const double qv = val.get("val_accuracy").value();
  CHECK(val.get("val_loss").value() == Approx(2.0 * (1.0 - qv)).epsilon(1e-14));
  CHECK(val.get("val_error").value() == 1.0 - qv);
  w.assign(d, 0.0);
  for (std::size_t j = 3 + 5 * n; j < 3 + 5 * (n + n_val); ++j) w[j] = 1.0;  // the validation blocks
  CHECK(task->evaluate(w).get("val_loss").value() == Approx(18.0 * (1.0 - qv)).epsilon(1e-14));
}

TEST_CASE("wilson_separable: loss by hand for one point, and the gradient by finite differences", "[wilson_separable]") {
  // n = 1: the premise sum y > 0 forces y = +1, so x = (1, 1, 1, 1, 0, 0, 0, 0, ...).
  auto one = make_task(wilson(1, 0.6, 1, 1));
  std::vector<double> w(one->dimension(), 0.0), g(w.size());
  w[0] = 0.5;
  w[1] = 0.25;
  w[2] = -0.125;
  w[3] = 2.0;
  w[4] = 100.0;  // a positive point leaves the rest of its block unused
  // margin 0.5 + 0.25 - 0.125 + 2 = 2.625; loss (2.625 - 1)^2 / 2; gradient (margin - y) x.
  CHECK(one->loss_and_gradient(0, w, g) == Approx(0.5 * 1.625 * 1.625).epsilon(1e-15));
  CHECK(g[0] == 1.625);
  CHECK(g[1] == 1.625);
  CHECK(g[2] == 1.625);
  CHECK(g[3] == 1.625);
  CHECK(std::all_of(g.begin() + 4, g.end(), [](double v) { return v == 0.0; }));

  // Many points: the loss of w = (a, b, c, 0, ...) counts positives P and negatives N alone,
  // ((a + b + c - 1)^2 P + (-a + b + c + 1)^2 N) / (2n).
  auto task = make_task(wilson(40));
  const Design data = design_of(*task, 40);
  const double positives = static_cast<double>(std::count(data.y.begin(), data.y.end(), 1.0));
  const double negatives = 40.0 - positives;
  std::vector<double> abc(task->dimension(), 0.0), scratch(abc.size());
  abc[0] = 0.7;
  abc[1] = -0.2;
  abc[2] = 0.4;
  const double hand = (std::pow(0.7 - 0.2 + 0.4 - 1.0, 2) * positives + std::pow(-0.7 - 0.2 + 0.4 + 1.0, 2) * negatives) / 80.0;
  CHECK(task->loss_and_gradient(0, abc, scratch) == Approx(hand).epsilon(1e-14));
  // Central differences of a quadratic are exact but for rounding.
  CHECK(gradient_error(*task, 0, probe_point(*task)) < 1e-7);
  CHECK(gradient_error(*task, 5, probe_point(*task, 2.0, 3)) < 1e-7);
}

TEST_CASE("wilson_separable: the minimum-norm solution (gradient descent's limit) has zero test error, sign(X^T y)/4 errs on every negative",
          "[wilson_separable]") {
  const std::size_t n = 20;
  auto task = make_task(wilson(20));
  const std::size_t d = task->dimension();
  const Design data = design_of(*task, n);

  // w* = X^T (X X^T)^{-1} y, the least-norm interpolant.
  std::vector<std::vector<double>> k(n, std::vector<double>(n));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) k[i][j] = dot(data.x[i], data.x[j]);
  const std::vector<double> alpha = solve(k, data.y);
  std::vector<double> w_star(d, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < d; ++j) w_star[j] += alpha[i] * data.x[i][j];
  for (std::size_t i = 0; i < n; ++i) CHECK(dot(data.x[i], w_star) == Approx(data.y[i]).margin(1e-12));

  // The same in closed form: alpha is a on the P positives, b on the N negatives (symmetry), and
  // K alpha = y reads (1 + 3P) a + N b = 1, P a + (5 + 3N) b = -1; then w*_0 = Pa - Nb and
  // w*_1 = w*_2 = Pa + Nb.
  const double P = static_cast<double>(std::count(data.y.begin(), data.y.end(), 1.0)), N = static_cast<double>(n) - P;
  const double det = (1 + 3 * P) * (5 + 3 * N) - P * N;
  CHECK(w_star[0] == Approx((5 * P + N + 8 * P * N) / det).epsilon(1e-12));
  CHECK(w_star[1] == Approx((5 * P - N) / det).epsilon(1e-12));
  CHECK(w_star[2] == Approx(w_star[1]).epsilon(1e-12));
  // A new point's margin is y w*_0 + w*_1 + w*_2: right for both labels when w*_0 > |2 w*_1|,
  // i.e. 5P + N + 8PN > |10P - 2N|, true whenever P, N >= 1.
  CHECK(w_star[0] > std::abs(w_star[1] + w_star[2]));
  CHECK(test_metric(*task, w_star, "test_accuracy") == 1.0);

  // Gradient descent from 0 through the task's own gradient (rate 0.5 < 2 / (3 + 5/n), the
  // largest curvature bound) reaches w*, the minimum-norm point, not just some interpolant.
  std::vector<double> w(d), g(d);
  task->initialize(w);
  for (std::int64_t t = 0; t < 4000; ++t) {
    task->loss_and_gradient(t, w, g);
    for (std::size_t j = 0; j < d; ++j) w[j] -= 0.5 * g[j];
  }
  for (std::size_t j = 0; j < d; ++j) {
    CAPTURE(j);
    CHECK(w[j] == Approx(w_star[j]).margin(1e-9));
  }
  CHECK(test_metric(*task, w, "test_accuracy") == 1.0);

  // The adaptive methods' limit (the paper's lemma): s = sign(X^T y) with X s = 4 y, so s / 4
  // interpolates; it labels every new point positive (margin (y + 2) / 4 > 0).
  std::vector<double> s(d, 0.0);
  for (std::size_t j = 0; j < d; ++j) {
    double xty = 0.0;
    for (std::size_t i = 0; i < n; ++i) xty += data.x[i][j] * data.y[i];
    s[j] = xty > 0 ? 0.25 : xty < 0 ? -0.25 : 0.0;
  }
  CHECK(task->loss_and_gradient(0, s, g) == Approx(0.0).margin(1e-30));
  std::vector<double> all_positive(d, 0.0);
  all_positive[1] = 1.0;
  CHECK(test_metric(*task, s, "test_accuracy") == test_metric(*task, all_positive, "test_accuracy"));
  CHECK(test_metric(*task, s, "test_accuracy") < 1.0);
}

TEST_CASE("wilson_separable: data from the trial seed: repeats differ, the same seed repeats, labels are +1 with probability p",
          "[wilson_separable]") {
  const Design a = design_of(*make_task(wilson(30), 1), 30), b = design_of(*make_task(wilson(30), 1), 30),
               c = design_of(*make_task(wilson(30), 2), 30);
  CHECK(a.y == b.y);
  CHECK(a.y != c.y);
  // The test labels: with 20000 test points the share of positives is within 4 standard
  // deviations (sqrt(p (1 - p) / 20000) = 0.0032) of p.
  for (const double p : {0.55, 0.8}) {
    CAPTURE(p);
    auto task = make_task(wilson(5, p, 1, 20000));
    std::vector<double> w(task->dimension(), 0.0);
    w[1] = 1.0;
    CHECK(std::abs(test_metric(*task, w, "test_accuracy") - p) < 4 * std::sqrt(p * (1 - p) / 20000));
  }
  // Close to one half the premise often fails at first; every draw ends with more positives.
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const Design small = design_of(*make_task(wilson(4, 0.51), seed), 4);
    CAPTURE(seed);
    CHECK(std::accumulate(small.y.begin(), small.y.end(), 0.0) > 0.0);
  }
}
