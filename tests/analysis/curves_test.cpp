// Curves for plots, from the analysis library directly: the mean and the min-max band over repeats,
// thinning long lines, the choice of a log axis, and which metrics an experiment has, all against
// values worked out here.
#include <catch2/catch.hpp>
#include <limits>

#include "lrlab/analysis/curves.hpp"
#include "lrlab/errors.hpp"
#include "results_fixture.hpp"

using namespace lrlab;
using namespace lrlab::analysis;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

const double inf = std::numeric_limits<double>::infinity();

// Two configurations (lr 0.1: trials 1-3, lr 0.2: trials 4-5), steps written by hand:
//   trial 1: step 0 lr 0.1 loss 4,  step 1 lr 0.05 loss 2,   step 2 lr 0.001 loss 1
//   trial 2: step 0 lr 0.1 loss 6,  step 1 lr 0.05 loss inf (diverged: left out), step 2 lr 0.001 loss 3
//   trial 3: step 0 lr 0.1 loss 5,                                     step 2 lr 0.001 loss NULL
//   trials 4 and 5: step 0 lr 0.2 loss 1 and 2
// val_loss is evaluated on trials 1 and 2 only.
fs::path curves_db() {
  const fs::path db = empty_results_db("curves");
  const std::string a_config = R"({"optimizer": {"learning_rate": 0.1}})", a_grid = R"({"optimizer.learning_rate": 0.1})";
  const std::string b_config = R"({"optimizer": {"learning_rate": 0.2}})", b_grid = R"({"optimizer.learning_rate": 0.2})";
  std::string sql = experiment_row(1, "curved") + trial_row({1, 1, 0, 0, a_config, a_grid}) + trial_row({2, 1, 1, 1, a_config, a_grid}) +
                    trial_row({3, 1, 2, 2, a_config, a_grid}) + trial_row({4, 1, 3, 0, b_config, b_grid}) +
                    trial_row({5, 1, 4, 1, b_config, b_grid});
  sql += step_row(1, 0, 0.1, 4) + step_row(1, 1, 0.05, 2) + step_row(1, 2, 0.001, 1);
  sql += step_row(2, 0, 0.1, 6) + step_row(2, 1, 0.05, inf) + step_row(2, 2, 0.001, 3);
  sql += step_row(3, 0, 0.1, 5) + step_row(3, 2, 0.001, std::nullopt);
  sql += step_row(4, 0, 0.2, 1) + step_row(5, 0, 0.2, 2);
  sql += eval_row(1, 1, "val_loss", 0.5) + eval_row(1, 3, "val_loss", 0.25) + eval_row(2, 3, "val_loss", 0.75);
  sql += eval_row(2, 3, "val_accuracy", 0.9) + eval_row(2, 3, "a_metric", 1.0);
  sql_exec(db, sql);
  return db;
}

Curve curve(std::vector<double> x, std::vector<double> mean, std::vector<double> low, std::vector<double> high) {
  return {"", std::move(x), std::move(mean), std::move(low), std::move(high)};
}

void check_curve(const Curve& got, const Curve& want) {
  CHECK(got.x == want.x);
  REQUIRE(got.mean.size() == want.mean.size());
  for (std::size_t i = 0; i < want.mean.size(); ++i) {
    INFO("point " << i);
    CHECK(got.mean[i] == Approx(want.mean[i]));
    CHECK(got.low[i] == Approx(want.low[i]));
    CHECK(got.high[i] == Approx(want.high[i]));
  }
}

}  // namespace

TEST_CASE("aggregate: mean and min-max band at every step any series has", "[analysis][curves]") {
  const Curve c = aggregate("three", {{{0, 1}, {1, 2}, {2, 3}}, {{0, 3}, {2, 5}}, {{1, 4}, {3, 8}}});
  CHECK(c.label == "three");
  // Step 0: 1 and 3; step 1: 2 and 4; step 2: 3 and 5; step 3: 8 alone.
  check_curve(c, curve({0, 1, 2, 3}, {2, 3, 4, 8}, {1, 2, 3, 8}, {3, 4, 5, 8}));
  CHECK(aggregate("none", {{}, {}}).x.empty());
}

TEST_CASE("thin: consecutive bins, each at its mean step with the mean of means and the widest band", "[analysis][curves]") {
  Curve c;
  for (int i = 0; i < 10; ++i) {
    c.x.push_back(i);
    c.mean.push_back(i * i);
    c.low.push_back(i * i - 1);
    c.high.push_back(i * i + i);
  }
  // 10 points into 4 bins: [0, 2), [2, 5), [5, 7), [7, 10).
  check_curve(thin(c, 4), curve({0.5, 3, 5.5, 8}, {0.5, 29.0 / 3, 30.5, 194.0 / 3}, {-1, 3, 24, 48}, {2, 20, 42, 90}));
  // Short enough already, or no limit: unchanged.
  CHECK(thin(c, 10).x == c.x);
  CHECK(thin(c, 0).x == c.x);
}

TEST_CASE("metric_panel: one line per configuration, mean and band over its repeats", "[analysis][curves]") {
  const fs::path db = curves_db();
  const sqlite::Connection c = open_results_read_only(db.string());
  const Grouping grouping = group_trials(c, 1, {});

  Panel p = metric_panel(c, grouping, {"train_loss"});
  CHECK(p.title == "train_loss");
  CHECK(p.y_label == "train_loss");
  CHECK(p.x_label == "step");
  REQUIRE(p.curves.size() == 2);
  CHECK(p.curves[0].label == "optimizer.learning_rate=0.1");
  // Step 0: 4, 6, 5; step 1: 2 (the infinite loss left out); step 2: 1, 3 (the NULL left out).
  check_curve(p.curves[0], curve({0, 1, 2}, {5, 2, 2}, {4, 2, 1}, {6, 2, 3}));
  check_curve(p.curves[1], curve({0}, {1.5}, {1}, {2}));
  CHECK_FALSE(p.log_y);  // 1 to 6: not 30x

  // The rates span 0.001 to 0.2: a log axis, unless told otherwise.
  p = metric_panel(c, grouping, {"lr"});
  CHECK(p.title == "learning rate");
  CHECK(p.log_y);
  check_curve(p.curves[0], curve({0, 1, 2}, {0.1, 0.05, 0.001}, {0.1, 0.05, 0.001}, {0.1, 0.05, 0.001}));
  CHECK_FALSE(metric_panel(c, grouping, {"lr", false, 400, "off"}).log_y);
  CHECK(metric_panel(c, grouping, {"train_loss", false, 400, "on"}).log_y);

  // An evals metric; the configuration without evaluations has no line.
  p = metric_panel(c, grouping, {"val_loss"});
  REQUIRE(p.curves.size() == 1);
  check_curve(p.curves[0], curve({1, 3}, {0.5, 0.5}, {0.5, 0.25}, {0.5, 0.75}));
}

TEST_CASE("metric_panel: one line per trial, labelled with its configuration and repeat", "[analysis][curves]") {
  const fs::path db = curves_db();
  const sqlite::Connection c = open_results_read_only(db.string());
  const Panel p = metric_panel(c, group_trials(c, 1, {}), {"train_loss", true});
  REQUIRE(p.curves.size() == 5);
  CHECK(p.curves[1].label == "trial 2 (optimizer.learning_rate=0.1, repeat 1)");
  check_curve(p.curves[1], curve({0, 2}, {6, 3}, {6, 3}, {6, 3}));
  CHECK(p.curves[2].x == std::vector<double>{0});  // trial 3's NULL loss at step 2 is no point
  CHECK(p.curves[4].label == "trial 5 (optimizer.learning_rate=0.2, repeat 1)");
}

TEST_CASE("metric_panel: a bad --log-y and a metric without values are errors", "[analysis][curves]") {
  const fs::path db = curves_db();
  const sqlite::Connection c = open_results_read_only(db.string());
  const Grouping grouping = group_trials(c, 1, {});
  CHECK_THROWS_MATCHES(metric_panel(c, grouping, {"lr", false, 400, "maybe"}), SpecError,
                       Catch::Message("--log-y must be auto, on or off; received \"maybe\""));
  CHECK_THROWS_MATCHES(metric_panel(c, grouping, {"val_f1"}), SpecError,
                       Catch::Message("no values of \"val_f1\" to draw in this experiment"));
}

TEST_CASE("wants_log_y: all positive and spanning more than 30x", "[analysis][curves]") {
  auto panel = [](std::vector<double> low, std::vector<double> high) {
    Panel p;
    p.curves.push_back({"", std::vector<double>(low.size(), 0.0), low, low, high});
    return p;
  };
  CHECK(wants_log_y(panel({0.001, 0.01}, {0.001, 0.031})));       // 31x
  CHECK_FALSE(wants_log_y(panel({0.001, 0.01}, {0.001, 0.029})));  // 29x
  CHECK_FALSE(wants_log_y(panel({0, 1}, {1, 100})));               // a zero
  CHECK_FALSE(wants_log_y(panel({-1, 1}, {1, 100})));              // a negative
}

TEST_CASE("available_metrics and experiment_chart: what there is to draw, and the default panels", "[analysis][curves]") {
  const fs::path db = curves_db();
  const sqlite::Connection c = open_results_read_only(db.string());
  // lr, train_loss, then the evals metrics: val_loss first, the others by name.
  CHECK(available_metrics(c, 1) == std::vector<std::string>{"lr", "train_loss", "val_loss", "a_metric", "val_accuracy"});

  const Chart chart = experiment_chart(c, {1, "curved"}, {});
  CHECK(chart.title == "curved (mean over repeats, band: min to max)");
  REQUIRE(chart.panels.size() == 3);
  CHECK(chart.panels[0].y_label == "lr");
  CHECK(chart.panels[1].y_label == "train_loss");
  CHECK(chart.panels[2].y_label == "val_loss");

  PlotRequest request;
  request.metrics = {"val_accuracy"};
  request.by = {"optimizer.learning_rate"};
  request.per_trial = true;
  const Chart one = experiment_chart(c, {1, "curved"}, request);
  CHECK(one.title == "curved (one line per trial)");
  REQUIRE(one.panels.size() == 1);
  REQUIRE(one.panels[0].curves.size() == 1);
  CHECK(one.panels[0].curves[0].label == "trial 2 (optimizer.learning_rate=0.1, repeat 1)");

  request.metrics = {"lr", "val_acc"};
  CHECK_THROWS_MATCHES(experiment_chart(c, {1, "curved"}, request), SpecError,
                       Catch::Message("--metrics: experiment \"curved\" has no \"val_acc\" to draw; it has: lr, train_loss, "
                                      "val_loss, a_metric, val_accuracy"));
}

TEST_CASE("available_metrics: no train_loss when no step recorded one", "[analysis][curves]") {
  const fs::path db = empty_results_db("curves-no-loss");
  sql_exec(db, experiment_row(1, "rates") + trial_row({1, 1, 0, 0, "{}", "{}"}) + step_row(1, 0, 0.1, std::nullopt));
  const sqlite::Connection c = open_results_read_only(db.string());
  CHECK(available_metrics(c, 1) == std::vector<std::string>{"lr"});
}
