// mlp: gradients by finite differences for every activation, with and without L2; the
// initialisations' scales; determinism in the trial seed.
#include <cmath>

#include "task_helpers.hpp"

using Catch::Matchers::Contains;
using lrlab::Json;
using namespace lrlab::test;

namespace {

std::string mlp_blobs_file() {
  static const auto p = temp_dir("mlp") / "blobs.csv";
  static const bool written = (write_file(p, blobs_csv(3, 5, 20)), true);
  (void)written;
  return p.string();
}

Json mlp_spec(Json extra = Json::object()) {
  Json j{{"type", "mlp"}, {"data", mlp_blobs_file()}, {"batch_size", 8}, {"standardize", true}, {"hidden", {6, 5}}};
  j.update(extra);
  return j;
}

}  // namespace

TEST_CASE("mlp: gradient matches central differences for each activation, with and without L2", "[mlp]") {
  for (const char* activation : {"relu", "tanh", "gelu"})
    for (const double l2 : {0.0, 0.1}) {
      CAPTURE(activation, l2);
      auto task = make_task(mlp_spec({{"activation", activation}, {"l2", l2}}));
      CHECK(task->dimension() == 5 * 6 + 6 + 6 * 5 + 5 + 5 * 3 + 3);
      for (const std::int64_t step : {0, 7}) CHECK(gradient_error(*task, step, probe_point(*task, 0.1)) < 1e-7);
    }
}

TEST_CASE("mlp: a single hidden layer and no hidden layer", "[mlp]") {
  auto one = make_task(mlp_spec({{"hidden", {4}}, {"activation", "gelu"}}));
  CHECK(one->dimension() == 5 * 4 + 4 + 4 * 3 + 3);
  CHECK(gradient_error(*one, 2, probe_point(*one)) < 1e-7);
  auto none = make_task(mlp_spec({{"hidden", Json::array()}}));
  CHECK(none->dimension() == 5 * 3 + 3);
  CHECK(gradient_error(*none, 2, probe_point(*none)) < 1e-7);
}

TEST_CASE("mlp: He and Glorot initialisation scales, zero biases, from the trial seed", "[mlp]") {
  // One wide layer so that the sample variance is close to the target: 64 inputs x 200 units.
  const Json wide{{"type", "mlp"}, {"data", "digits.csv.gz"}, {"hidden", {200}}};
  for (const char* init : {"he", "glorot"}) {
    CAPTURE(init);
    auto task = make_task(with(wide, {{"init", init}}), 3);
    std::vector<double> x(task->dimension());
    task->initialize(x);
    const std::size_t n = 64 * 200;
    double mean = 0.0, sq = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      mean += x[i];
      sq += x[i] * x[i];
    }
    mean /= n;
    const double var = sq / n - mean * mean;
    const double expected = std::string(init) == "he" ? 2.0 / 64 : 6.0 / (64 + 200) / 3.0;  // U(-a, a): a^2 / 3
    CHECK(std::abs(mean) < 0.01);
    CHECK(var == Approx(expected).epsilon(0.05));
    CHECK(std::all_of(x.begin() + n, x.begin() + n + 200, [](double b) { return b == 0.0; }));
    if (std::string(init) == "glorot") {
      const double a = std::sqrt(6.0 / (64 + 200));
      CHECK(std::all_of(x.begin(), x.begin() + n, [a](double w) { return std::abs(w) <= a; }));
    }
  }
  std::vector<double> a(make_task(wide, 3)->dimension()), b(a.size()), c(a.size());
  make_task(wide, 3)->initialize(a);
  make_task(wide, 3)->initialize(b);
  make_task(wide, 4)->initialize(c);
  CHECK(a == b);
  CHECK(a != c);
}

TEST_CASE("mlp: two tasks with the same seed give bit-identical trajectories", "[mlp]") {
  // Plain SGD driven by each task: initial weights, batch order and every loss and gradient agree
  // to the bit; another seed differs.
  auto run = [](std::uint64_t seed) {
    lrlab::SharedData shared;
    auto task = make_task(Json{{"type", "mlp"}, {"data", "digits.csv.gz"}, {"standardize", true},
                               {"hidden", {32}}, {"activation", "tanh"}, {"batch_size", 50}},
                          shared, seed);
    std::vector<double> x(task->dimension()), g(x.size()), losses;
    task->initialize(x);
    for (std::int64_t t = 0; t < 80; ++t) {  // more than two epochs of 29 steps
      losses.push_back(task->loss_and_gradient(t, x, g));
      for (std::size_t i = 0; i < x.size(); ++i) x[i] -= 0.05 * g[i];
    }
    losses.push_back(task->evaluate(x).get("val_loss").value());
    return std::make_pair(losses, x);
  };
  const auto a = run(21), b = run(21), c = run(22);
  CHECK(a.first == b.first);
  CHECK(a.second == b.second);
  CHECK(a.first != c.first);
}

TEST_CASE("mlp: parameter errors", "[mlp]") {
  CHECK_THROWS_WITH(make_task(mlp_spec({{"activation", "sigmoid"}})),
                    Contains("/task/activation") && Contains("relu | tanh | gelu"));
  CHECK_THROWS_WITH(make_task(mlp_spec({{"hidden", {8, 0}}})), Contains("/task/hidden/1") && Contains(">= 1"));
  CHECK_THROWS_WITH(make_task(mlp_spec({{"init", "lecun"}})), Contains("/task/init"));
}

// "dtype": "float32": the same network computed in float. Its loss, gradient and evaluation agree
// with the float64 ones to float32 precision, its gradient is made of float32 numbers, and it is
// not the float64 computation (some gradient element differs).
TEST_CASE("classifier tasks: dtype float32 computes the float64 network's loss and gradient in float", "[mlp][dtype]") {
  const std::string two_classes = (temp_dir("dtype") / "two.csv").string();
  write_file(two_classes, blobs_csv(2, 5, 30));
  const std::vector<Json> specs{
      mlp_spec({{"activation", "relu"}}), mlp_spec({{"activation", "gelu"}, {"l2", 0.1}}), mlp_spec({{"activation", "tanh"}}),
      Json{{"type", "softmax_regression"}, {"data", mlp_blobs_file()}, {"batch_size", 8}, {"standardize", true}},
      Json{{"type", "logistic_regression"}, {"data", two_classes}, {"batch_size", 8}, {"standardize", true}}};
  for (const Json& spec : specs) {
    CAPTURE(spec.dump());
    auto f64 = make_task(spec);
    auto f32 = make_task(with(spec, {{"dtype", "float32"}}));
    std::vector<double> x = probe_point(*f64, 0.3);
    for (double& v : x) v = static_cast<float>(v);  // the float32 numbers an float32 Adam would hold
    std::vector<double> g64(x.size()), g32(x.size());
    for (const std::int64_t step : {0, 5}) {
      const double l64 = f64->loss_and_gradient(step, x, g64), l32 = f32->loss_and_gradient(step, x, g32);
      CHECK(l32 == Approx(l64).epsilon(1e-5));
      double scale = 0.0, worst = 0.0;
      bool differs = false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        CHECK(g32[i] == static_cast<double>(static_cast<float>(g32[i])));
        scale = std::max(scale, std::abs(g64[i]));
        worst = std::max(worst, std::abs(g32[i] - g64[i]));
        differs = differs || g32[i] != g64[i];
      }
      CHECK(worst <= 1e-5 * scale);
      CHECK(differs);
    }
    const auto m64 = f64->evaluate(x), m32 = f32->evaluate(x);
    CHECK(*m32.get("val_loss") == Approx(*m64.get("val_loss")).epsilon(1e-5));
  }
  auto bad = [&] { make_task(mlp_spec({{"dtype", "float16"}})); };
  CHECK_THROWS_WITH(bad(), Contains("float64 | float32"));
}
