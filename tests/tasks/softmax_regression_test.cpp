// softmax_regression: gradient by finite differences, the loss at zero weights, training on
// blobs, shapes and parameter errors.
#include <cmath>

#include "task_helpers.hpp"

using Catch::Matchers::Contains;
using lrlab::Json;
using namespace lrlab::test;

namespace {

std::string softmax_blobs_file() {
  static const auto p = temp_dir("softmax") / "blobs.csv";
  static const bool written = (write_file(p, blobs_csv(3, 4, 30)), true);
  (void)written;
  return p.string();
}

Json softmax_spec(Json extra = Json::object()) {
  Json j{{"type", "softmax_regression"}, {"data", softmax_blobs_file()}, {"batch_size", 8}, {"standardize", true}};
  j.update(extra);
  return j;
}

}  // namespace

TEST_CASE("softmax_regression: gradient matches central differences", "[softmax_regression]") {
  for (const double l2 : {0.0, 0.3}) {
    CAPTURE(l2);
    auto task = make_task(softmax_spec({{"l2", l2}}));
    CHECK(task->dimension() == 3 * 4 + 3);
    for (const std::int64_t step : {0, 5, 12}) CHECK(gradient_error(*task, step, probe_point(*task)) < 1e-7);
  }
}

TEST_CASE("softmax_regression: starts at zero, where every class is equally likely", "[softmax_regression]") {
  auto task = make_task(softmax_spec());
  std::vector<double> x(task->dimension(), 1.0), g(task->dimension());
  task->initialize(x);
  CHECK(std::all_of(x.begin(), x.end(), [](double v) { return v == 0.0; }));
  CHECK(task->loss_and_gradient(0, x, g) == Approx(std::log(3.0)).epsilon(1e-14));
  CHECK(task->evaluate(x).get("val_loss").value() == Approx(std::log(3.0)).epsilon(1e-14));
}

TEST_CASE("softmax_regression: steps_per_epoch from the training split and batch size", "[softmax_regression]") {
  // 90 examples, 30 per class; val_fraction 0.2 holds out 6 per class, leaving 72 to train.
  CHECK(make_task(softmax_spec())->steps_per_epoch() == 9);                        // 72 / 8
  CHECK(make_task(softmax_spec({{"batch_size", 10}}))->steps_per_epoch() == 8);    // ceil(7.2)
  CHECK(make_task(softmax_spec({{"batch_size", 10}, {"drop_last", true}}))->steps_per_epoch() == 7);
}

TEST_CASE("softmax_regression: plain gradient descent on blobs reaches full accuracy", "[softmax_regression]") {
  auto task = make_task(softmax_spec({{"eval_train", true}}));
  std::vector<double> x(task->dimension()), g(x.size());
  task->initialize(x);
  const double before = task->evaluate(x).get("val_loss").value();
  for (std::int64_t t = 0; t < 200; ++t) {
    task->loss_and_gradient(t, x, g);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] -= 0.5 * g[i];
  }
  const auto m = task->evaluate(x);
  CHECK(m.get("val_loss").value() < 0.2 * before);
  CHECK(m.get("val_accuracy").value() == 1.0);
  CHECK(m.get("train_accuracy").value() == 1.0);
  CHECK(m.get("train_loss").value() < 0.2 * before);
}

TEST_CASE("softmax_regression: parameter errors name the parameter", "[softmax_regression]") {
  CHECK_THROWS_WITH(make_task(softmax_spec({{"batch_size", 100}, {"drop_last", true}})),
                    Contains("/task/batch_size") && Contains("at most the 72 training examples"));
  CHECK_THROWS_WITH(make_task(softmax_spec({{"label_column", "species"}})),
                    Contains("/task/label_column") && Contains("needs \"header\": true"));
  CHECK_THROWS_WITH(make_task(softmax_spec({{"label_column", 1.5}})), Contains("/task/label_column"));
  CHECK_THROWS_WITH(make_task(softmax_spec({{"delimiter", ";;"}})), Contains("/task/delimiter") && Contains("one character"));
  CHECK_THROWS_WITH(make_task(softmax_spec({{"val_fraction", 1.0}})), Contains("/task/val_fraction") && Contains("in (0, 1)"));
  // A loader error becomes a spec error at the task, keeping file and line.
  const auto bad = temp_dir("softmax-bad") / "bad.csv";
  write_file(bad, "1,2,0\n3,4\n");
  CHECK_THROWS_WITH(make_task(softmax_spec({{"data", bad.string()}})), Contains("/task: " + bad.string() + ":2: found 2 cells"));
}
