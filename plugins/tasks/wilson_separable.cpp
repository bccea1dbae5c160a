// wilson_separable: the linearly separable least-squares problem of Wilson, Roelofs, Stern, Srebro
// & Recht (2017), "The Marginal Value of Adaptive Gradient Methods in Machine Learning" (NeurIPS),
// section 3.3, on which gradient descent from w = 0 reaches zero test error and Adam, AdaGrad and
// RMSProp label every new point positive (test error 1 - p, close to one half as p nears 1/2).
//
// Point k has a label y_k = +1 with probability p > 1/2, else -1, and the features
//   x_k0 = y_k,  x_k1 = x_k2 = 1,  x_kj = 1 for j = 3 + 5k, ..., 3 + 5k + 2(1 - y_k),  0 elsewhere
// (0-based; the paper's j = 4 + 5(i-1) ... 4 + 5(i-1) + 2(1 - y_i) with 1-based i and j): one
// feature of its own for a positive point, five for a negative one. Points are numbered training
// first (k < n), then validation, then test, and each has its own block of five coordinates, so
// the dimension is 3 + 5 (n + n_val + n_test) and no two points share a unique feature: for a
// validation or test point only the first three features carry anything a training gradient
// touched. Why 1 and 5: with s = sign(X^T y) = (1, 1, 1, y_k on point k's features), X s = 4 y
// exactly, which is what makes every adaptive method's iterates proportional to s (the paper's
// lemma on adaptive methods); s classifies a new point by y + 2 > 0, i.e. positive.
//
// The loss is least squares, as in the paper, but averaged: L(w) = 1/(2n) sum_k (w.x_k - y_k)^2
// over the training points (the paper's 1/2 ||Xw - y||^2 is n L: the same path for gradient
// descent with n times the rate; Adam is invariant to it but for epsilon). Full batch: every
// step sees all n points. val_* and test_* are the same loss and the classification error on the
// fresh points, a point counting as correct when y_k (w.x_k) > 0: a zero margin is an error
// (w = 0 classifies nothing), not a coin toss.
//
// The data are drawn from the trial seed (Rng stream `problem`, one sub-stream for each of the
// three sets), so repeat r of every grid point trains on the same points. The paper's argument
// needs more positive than negative training points (sum_k y_k > 0; with a tie sign(X^T y) has
// zeros, with more negatives it flips): training labels are redrawn from the same stream until
// that holds, a deterministic rejection; the validation and test labels are unconditioned. The
// paper fixes neither n nor p (any p > 1/2): the defaults are lrlab's.
#include <cstdint>
#include <vector>

#include <lrlab/sdk.hpp>

namespace lrlab::tasks {
namespace {

// Where a point's unique features start and how many it has (1 for y = +1, 5 for y = -1).
struct Point {
  double y;
  std::size_t first;
  std::size_t count;
};

class WilsonSeparable final : public Task {
 public:
  WilsonSeparable(std::vector<Point> train, std::vector<Point> val, std::vector<Point> test, std::size_t dimension,
                  std::int64_t spe)
      : train_(std::move(train)), val_(std::move(val)), test_(std::move(test)), dimension_(dimension), spe_(spe) {}

  std::size_t dimension() const override { return dimension_; }
  std::int64_t steps_per_epoch() const override { return spe_; }
  // The paper's w0 = 0: gradient descent from there stays in the row space of X and converges
  // to the minimum-norm interpolant.
  void initialize(std::span<double> x) override { std::fill(x.begin(), x.end(), 0.0); }

  double loss_and_gradient(std::int64_t, std::span<const double> w, std::span<double> g) override {
    std::fill(g.begin(), g.end(), 0.0);
    const double n = static_cast<double>(train_.size());
    double loss = 0.0;
    for (const Point& p : train_) {
      const double r = margin(p, w) - p.y;
      loss += r * r;
      const double dr = r / n;
      g[0] += dr * p.y;
      g[1] += dr;
      g[2] += dr;
      for (std::size_t j = p.first; j < p.first + p.count; ++j) g[j] += dr;
    }
    return 0.5 * loss / n;
  }

  Metrics evaluate(std::span<const double> w) override { return score(val_, w, "val_"); }
  std::vector<std::string> metrics() const override { return {"val_loss", "val_accuracy", "val_error"}; }
  Metrics evaluate_test(std::span<const double> w) override { return score(test_, w, "test_"); }
  // No persist(): the data are fixed at construction and the loss is full batch.

 private:
  static double margin(const Point& p, std::span<const double> w) {
    double m = p.y * w[0] + w[1] + w[2];
    for (std::size_t j = p.first; j < p.first + p.count; ++j) m += w[j];
    return m;
  }

  static Metrics score(const std::vector<Point>& points, std::span<const double> w, const std::string& prefix) {
    double loss = 0.0, correct = 0.0;
    for (const Point& p : points) {
      const double m = margin(p, w);
      loss += (m - p.y) * (m - p.y);
      if (p.y * m > 0.0) correct += 1.0;
    }
    const double count = static_cast<double>(points.size());
    Metrics out;
    out.set(prefix + "loss", 0.5 * loss / count);
    out.set(prefix + "accuracy", correct / count);
    // Only for validation: the trials table keeps test_loss and test_accuracy (error = 1 - it).
    if (prefix == "val_") out.set("val_error", 1.0 - correct / count);
    return out;
  }

  std::vector<Point> train_, val_, test_;
  std::size_t dimension_;
  std::int64_t spe_;
};

// `count` labels from `rng`, positive with probability p, as points numbered from `first_index`.
std::vector<Point> draw_points(Rng& rng, std::size_t count, double p, std::size_t first_index) {
  std::vector<Point> points(count);
  for (std::size_t i = 0; i < count; ++i) {
    const double y = rng.uniform() < p ? 1.0 : -1.0;
    points[i] = {y, 3 + 5 * (first_index + i), y > 0 ? std::size_t{1} : std::size_t{5}};
  }
  return points;
}

double label_sum(const std::vector<Point>& points) {
  double s = 0.0;
  for (const Point& p : points) s += p.y;
  return s;
}

TaskPtr make(const Params& params, const TaskContext& ctx) {
  const auto n = static_cast<std::size_t>(params.integer("n"));
  const auto n_val = static_cast<std::size_t>(params.integer("n_val"));
  const auto n_test = static_cast<std::size_t>(params.integer("n_test"));
  const double p = params.real("p");
  const std::uint64_t problem = derive_seed(ctx.seed, streams::problem);
  // With p > 1/2 a draw has sum y > 0 with probability at least p^2 > 1/4 (n = 2 is the worst
  // case), so the expected number of draws is below 4.
  Rng train_rng(derive_seed(problem, 0));
  std::vector<Point> train;
  do train = draw_points(train_rng, n, p, 0);
  while (label_sum(train) <= 0.0);
  Rng val_rng(derive_seed(problem, 1)), test_rng(derive_seed(problem, 2));
  std::vector<Point> val = draw_points(val_rng, n_val, p, n);
  std::vector<Point> test = draw_points(test_rng, n_test, p, n + n_val);
  return std::make_unique<WilsonSeparable>(std::move(train), std::move(val), std::move(test), 3 + 5 * (n + n_val + n_test),
                                           params.integer("steps_per_epoch"));
}

}  // namespace

void register_wilson_separable(Registry& r) {
  r.add_task(
      {.name = "wilson_separable",
       .summary = "Wilson et al.'s separable least-squares problem: gradient descent generalizes, adaptive methods do not",
       .formula = "y_k = +1 w.p. p else -1;  x_k = (y_k, 1, 1, 1 on coordinates 3+5k .. 3+5k+2(1-y_k));  "
                  "L(w) = 1/(2n) sum_{k<n} (w.x_k - y_k)^2;  error = share of points with y_k (w.x_k) <= 0",
       .source = "Wilson, Roelofs, Stern, Srebro, Recht (2017), \"The Marginal Value of Adaptive Gradient Methods in "
                 "Machine Learning\", NeurIPS, section 3.3",
       .notes = "Each point (n training, then n_val validation, then n_test test) has five coordinates of its own, "
                "used once by a positive point and all five by a negative one: dimension 3 + 5 (n + n_val + n_test), "
                "and no test point shares a feature with a training point but the first three. Starts from w = 0. "
                "Gradient descent converges to the minimum-norm interpolant, which classifies every new point "
                "correctly; Adam's iterates stay proportional to sign(X^T y), which labels every new point positive "
                "(test error 1 - p). Training labels are redrawn until positives outnumber negatives (the paper's "
                "premise). The paper fixes neither n nor p; the defaults are lrlab's. Full batch. Metrics: val_loss, val_accuracy, val_error; test_loss, test_accuracy (test "
                "error = 1 - test_accuracy). A zero margin counts as an error. The data come from the trial seed.",
       .params = {Param::integer("n", "training points (the problem is overparameterized for any n)").def(100).at_least(1),
                  Param::real("p", "probability of the label +1; the paper's p > 1/2 (Adam's test error is 1 - p)")
                      .def(0.6).above(0.5).at_most(1.0),
                  Param::integer("n_val", "validation points, drawn as the training points are").def(100).at_least(1),
                  Param::integer("n_test", "test points, drawn as the training points are").def(1000).at_least(1),
                  Param::integer("steps_per_epoch", "updates per epoch (every step is the full batch)").def(1).at_least(1)},
       .example = Json::parse(R"({"type": "wilson_separable", "n": 100, "p": 0.6})")},
      make);
}

}  // namespace lrlab::tasks
