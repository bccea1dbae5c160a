// logistic_regression: gradient by finite differences, the loss at zero, training on the breast
// cancer data, and the two-class requirement.
#include <cmath>

#include "task_helpers.hpp"

using Catch::Matchers::Contains;
using lrlab::Json;
using namespace lrlab::test;

namespace {

Json logistic_spec(Json extra = Json::object()) {
  Json j{{"type", "logistic_regression"}, {"data", "breast_cancer.csv"}, {"skip_rows", 1},
         {"standardize", true}, {"batch_size", 16}};
  j.update(extra);
  return j;
}

}  // namespace

TEST_CASE("logistic_regression: gradient matches central differences", "[logistic_regression]") {
  for (const double l2 : {0.0, 0.05}) {
    CAPTURE(l2);
    auto task = make_task(logistic_spec({{"l2", l2}}));
    CHECK(task->dimension() == 31);
    for (const std::int64_t step : {0, 3, 40}) CHECK(gradient_error(*task, step, probe_point(*task, 0.2)) < 1e-7);
  }
}

TEST_CASE("logistic_regression: log 2 at zero weights", "[logistic_regression]") {
  auto task = make_task(logistic_spec());
  std::vector<double> x(task->dimension()), g(x.size());
  task->initialize(x);
  CHECK(task->loss_and_gradient(0, x, g) == Approx(std::log(2.0)).epsilon(1e-14));
  CHECK(task->evaluate(x).get("val_loss").value() == Approx(std::log(2.0)).epsilon(1e-14));
}

TEST_CASE("logistic_regression: learns breast cancer to over 95% validation accuracy", "[logistic_regression]") {
  auto task = make_task(logistic_spec());
  CHECK(task->steps_per_epoch() == 29);  // 455 training examples (569 less 114 held out) / 16
  std::vector<double> x(task->dimension()), g(x.size());
  task->initialize(x);
  for (std::int64_t t = 0; t < 20 * task->steps_per_epoch(); ++t) {
    task->loss_and_gradient(t, x, g);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] -= 0.1 * g[i];
  }
  const auto m = task->evaluate(x);
  CHECK(m.get("val_accuracy").value() > 0.95);
  CHECK(m.get("val_loss").value() < 0.15);
}

TEST_CASE("logistic_regression: needs exactly two classes", "[logistic_regression]") {
  const auto three = temp_dir("logistic") / "three.csv";
  write_file(three, blobs_csv(3, 2, 5));
  CHECK_THROWS_WITH(make_task(logistic_spec({{"data", three.string()}, {"skip_rows", 0}})),
                    Contains("logistic_regression needs two classes, the labels have 3 (0, 1, 2)"));
  // Any two integer values will do: -1 and 0 become classes 0 and 1.
  const auto signs = temp_dir("logistic") / "signs.csv";
  write_file(signs, blobs_csv(2, 2, 10, -1, false, 5, -1));
  CHECK(make_task(logistic_spec({{"data", signs.string()}, {"skip_rows", 0}}))->dimension() == 3);
}
