// What makes a plot readable, from the analysis library directly: the y axis chosen robustly (log
// despite a zero, lines that alone stretch the axis set aside, accuracies zoomed to the end),
// legends naming only what differs, smoothing, the x axis, policy actions marked, single points
// drawn. Expected values are worked out by hand here.
#include <catch2/catch.hpp>

#include <cmath>

#include "lrlab/analysis/curves.hpp"
#include "lrlab/errors.hpp"
#include "results_fixture.hpp"

using namespace lrlab;
using namespace lrlab::analysis;
using namespace lrlab::test;
namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

Curve line(const std::vector<double>& y) {
  Curve c;
  for (std::size_t i = 0; i < y.size(); ++i) c.x.push_back(static_cast<double>(i));
  c.mean = c.low = c.high = y;
  return c;
}

std::vector<double> constant(double v, int n = 100) { return std::vector<double>(static_cast<std::size_t>(n), v); }

}  // namespace

TEST_CASE("y axis: a rate decayed to 1e-108 is set aside, so 0.01, 0.009 and 0.0081 stay apart", "[analysis][axes]") {
  std::vector<double> decayed;
  for (int k = 0; k < 100; ++k) decayed.push_back(1e-3 * std::pow(10.0, -105.0 * k / 99));  // 1e-3 .. 1e-108
  Panel p;
  p.curves = {line(constant(0.01)), line(constant(0.009)), line(constant(0.0081)), line(decayed)};
  const std::string note = choose_y_axis(p);
  CHECK(p.log_y);
  REQUIRE(p.y_range);
  // The three constant lines span log10 0.0081 .. log10 0.01 = 0.0915 decades, widened to 0.3
  // around their middle (-2.0458), then 6% each side: 10^(-2.1958 - 0.018) .. 10^(-1.8958 + 0.018).
  CHECK(p.y_range->first == Approx(std::pow(10.0, -2.0457575 - 0.15 - 0.018)).epsilon(1e-6));
  CHECK(p.y_range->second == Approx(std::pow(10.0, -2.0457575 + 0.15 + 0.018)).epsilon(1e-6));
  // 0.0081 and 0.01 are 31% of the axis apart (0.0915 of 0.336 decades), not a pixel.
  CHECK(std::log10(0.01 / 0.0081) / std::log10(p.y_range->second / p.y_range->first) > 0.25);
  // All of the decayed line but its first point (1e-3 is below the range too): off the axis.
  CHECK_THAT(note, Contains("100 values off the axis (down to 1e-108)"));
}

TEST_CASE("y axis: a loss that touches 0 is still drawn in log, and one that diverges to 7e10 leaves the axis", "[analysis][axes]") {
  std::vector<double> a, b, c, diverged;
  for (int k = 0; k < 60; ++k) {
    a.push_back(3.0 * std::pow(0.95, k));   // 3 .. 0.147
    b.push_back(2.5 * std::pow(0.94, k));   // 2.5 .. 0.064
    c.push_back(k == 59 ? 0.0 : 2.97 * std::pow(0.96, k));  // touches 0 at the end
    diverged.push_back(2.97 * std::pow(1.5, k));  // 2.97 .. 7.2e10
  }
  Panel p;
  p.curves = {line(a), line(b), line(c), line(diverged)};
  // The old rule refused log for the zero and drew it linear, every loss flat at the bottom.
  CHECK_FALSE(wants_log_y(p));
  const std::string note = choose_y_axis(p);
  CHECK(p.log_y);
  REQUIRE(p.y_range);
  // The others span 2.5*0.94^59 = 0.0644 .. 3 (one value, 0, is not on a log axis): 1.668 decades,
  // 6% more each side.
  const double lo = std::log10(2.5 * std::pow(0.94, 59)), hi = std::log10(3.0), pad = (hi - lo) * 0.06;
  CHECK(std::log10(p.y_range->first) == Approx(lo - pad).epsilon(1e-9));
  CHECK(std::log10(p.y_range->second) == Approx(hi + pad).epsilon(1e-9));
  CHECK_THAT(note, Contains("up to 7.28e+10"));
  // Forced either way, the choice of log is the user's.
  Panel q = p;
  choose_y_axis(q, "off");
  CHECK_FALSE(q.log_y);
  choose_y_axis(q, "on");
  CHECK(q.log_y);
}

TEST_CASE("y axis: accuracies are shown over the second half, where 0.97 and 0.99 differ", "[analysis][axes]") {
  std::vector<double> a, b;
  for (int k = 0; k <= 40; ++k) {
    a.push_back(k < 20 ? 0.1 + 0.04 * k : 0.97);
    b.push_back(k < 20 ? 0.1 + 0.04 * k : 0.99);
  }
  Panel p;
  p.curves = {line(a), line(b)};
  const std::string note = choose_y_axis(p, "auto", true);
  CHECK_FALSE(p.log_y);
  REQUIRE(p.y_range);
  // x from 20 on: 0.97 and 0.99, 6% of their 0.02 each side.
  CHECK(p.y_range->first == Approx(0.97 - 0.0012));
  CHECK(p.y_range->second == Approx(0.99 + 0.0012));
  CHECK_THAT(note, Contains("zoomed to the second half") && Contains("down to 0.1"));
}

TEST_CASE("y axis: lines that fit together are drawn whole, with no note", "[analysis][axes]") {
  Panel p;
  p.curves = {line({1, 2, 3}), line({2, 3, 4})};
  CHECK(choose_y_axis(p).empty());
  CHECK_FALSE(p.y_range);
  CHECK_FALSE(p.log_y);
}

TEST_CASE("smoothed: TensorBoard's debiased moving average", "[analysis][axes]") {
  const Series s{{0, 1}, {1, 3}, {2, 3}};
  const Series m = smoothed(s, 0.5);
  REQUIRE(m.size() == 3);
  // s1 = 0.5; s2 = 0.25 + 1.5 = 1.75; s3 = 0.875 + 1.5 = 2.375; divided by 1 - 0.5^i.
  CHECK(m[0].second == Approx(0.5 / 0.5));
  CHECK(m[1].second == Approx(1.75 / 0.75));
  CHECK(m[2].second == Approx(2.375 / 0.875));
  CHECK(m[2].first == 2);
  CHECK(smoothed(s, 0) == s);
}

TEST_CASE("legend names: only the columns and the component keys that differ", "[analysis][axes]") {
  Grouping g;
  g.label_columns = {"task", "optimizer.learning_rate", "schedule"};
  const Json task32 = Json::parse(R"({"type": "mlp", "data": "/tmp/a/breast_cancer.csv", "hidden": [32], "batch_size": 64})");
  const Json task64 = Json::parse(R"({"type": "mlp", "data": "/tmp/a/breast_cancer.csv", "hidden": [64], "batch_size": 64})");
  const Json cosine = Json::parse(R"({"type": "cosine_decay", "decay_steps": 400})");
  for (const auto& [task, lr] : {std::pair{task32, 0.01}, std::pair{task64, 0.01}, std::pair{task32, 0.1}}) {
    TrialGroup group;
    group.values = {task, lr, cosine};
    for (const auto& v : group.values) group.labels.push_back(value_label(v));
    g.groups.push_back(group);
  }
  CHECK(g.legend_names() == std::vector<std::string>{"task=mlp(hidden=[32]), optimizer.learning_rate=0.01",
                                                     "task=mlp(hidden=[64]), optimizer.learning_rate=0.01",
                                                     "task=mlp(hidden=[32]), optimizer.learning_rate=0.1"});
  // The full names are unchanged (the summary table's labels).
  CHECK_THAT(g.name(g.groups[0]), Contains("data=/tmp/a/breast_cancer.csv"));
}

namespace {
// Two trials of one configuration, 4 updates per epoch, 8 steps: rates 0.1 then halved at step 4
// by a policy; val_loss at the end of each epoch; trial 2 took 4 s for its 8 steps.
fs::path axes_db() {
  const fs::path db = empty_results_db("axes");
  const std::string config = R"({"optimizer": {"learning_rate": 0.1}})", grid = R"({})";
  std::string sql = experiment_row(1, "axes") + trial_row({1, 1, 0, 0, config, grid}) + trial_row({2, 1, 1, 1, config, grid});
  for (int t : {1, 2})
    for (int s = 0; s < 8; ++s)
      sql += "INSERT INTO steps(trial_id, step, epoch, lr, train_loss) VALUES (" + std::to_string(t) + ", " + std::to_string(s) +
             ", " + std::to_string(s / 4) + ", " + (s < 4 ? "0.1" : "0.05") + ", " + std::to_string(10 - s) + ");\n";
  sql += "UPDATE trials SET steps_done = 8, wall_seconds = 4;\n";
  sql += eval_row(1, 3, "val_loss", 2.0) + eval_row(1, 7, "val_loss", 1.0) + eval_row(2, 3, "val_loss", 4.0) +
         eval_row(2, 7, "val_loss", 3.0);
  sql += eval_row(1, 7, "val_accuracy", 0.9);
  sql += "INSERT INTO events(trial_id, step, epoch, source, kind, old_lr, new_lr, message) VALUES "
         "(1, 4, 1, 'reduce_on_plateau', 'decrease', 0.1, 0.05, 'x'), (2, 4, 1, 'reduce_on_plateau', 'decrease', 0.1, 0.05, 'x');\n";
  sql_exec(db, sql);
  return db;
}
}  // namespace

TEST_CASE("metric_panel: x as epoch, rate or time, policy actions marked, one evaluation drawn as a point", "[analysis][axes]") {
  const fs::path db = axes_db();
  const sqlite::Connection c = open_results_read_only(db.string());
  const Grouping grouping = group_trials(c, 1, {});
  CurveRequest r{"val_loss"};
  r.x = XAxis::epoch;
  Panel p = metric_panel(c, grouping, r);
  CHECK(p.x_label == "epoch");
  // Evaluations at steps 3 and 7 with 4 updates per epoch (the first step of epoch 1 is step 4).
  CHECK(p.curves[0].x == std::vector<double>{0.75, 1.75});
  CHECK(p.curves[0].mean == std::vector<double>{3.0, 2.0});
  r.x = XAxis::time;  // 0.5 s an update
  CHECK(metric_panel(c, grouping, r).curves[0].x == std::vector<double>{1.5, 3.5});
  r.x = XAxis::lr;  // the rate at each evaluation's step: 0.1 at step 3, 0.05 at step 7
  p = metric_panel(c, grouping, r);
  CHECK(p.x_label == "learning rate");
  CHECK(p.curves[0].x == std::vector<double>{0.05, 0.1});
  CHECK(p.curves[0].mean == std::vector<double>{2.0, 3.0});

  // Steps: the policy's action at step 4 is marked once on the line, at its value there.
  CurveRequest lr{"lr"};
  lr.events = true;
  p = metric_panel(c, grouping, lr);
  REQUIRE(p.curves.size() == 2);
  CHECK(p.curves[1].events);
  CHECK(p.curves[1].x == std::vector<double>{4});
  CHECK(p.curves[1].mean == std::vector<double>{0.05});
  lr.events = false;
  CHECK(metric_panel(c, grouping, lr).curves.size() == 1);

  // One evaluation of val_accuracy: a point, not an empty line.
  p = metric_panel(c, grouping, CurveRequest{"val_accuracy"});
  REQUIRE(p.curves.size() == 1);
  CHECK(p.curves[0].points);

  CurveRequest bad{"lr"};
  bad.smooth = 1;
  CHECK_THROWS_AS(metric_panel(c, grouping, bad), SpecError);
  CHECK_THROWS_MATCHES(parse_x_axis("wall"), SpecError, Catch::Message("--x must be step, epoch, lr or time; received \"wall\""));
}

TEST_CASE("experiment_chart: --where selects trials, --log-y per panel", "[analysis][axes]") {
  const fs::path db = axes_db();
  const sqlite::Connection c = open_results_read_only(db.string());
  PlotRequest r;
  r.metrics = {"lr", "val_loss"};
  r.where = "trial_id = 2";
  r.per_trial = true;
  r.log_y = "lr=on,val_loss=off";
  const Chart chart = experiment_chart(c, {1, "axes"}, r);
  REQUIRE(chart.panels.size() == 2);
  CHECK_THAT(chart.title, Contains("trials where trial_id = 2"));
  CHECK(chart.panels[0].log_y);
  CHECK_FALSE(chart.panels[1].log_y);
  CHECK_THAT(chart.panels[1].curves[0].label, Contains("trial 2"));
  CHECK(chart.panels[1].curves[0].mean == std::vector<double>{4.0, 3.0});
  r.log_y = "loss=on";
  CHECK_THROWS_WITH(experiment_chart(c, {1, "axes"}, r), Contains("--log-y \"loss=on\": expected PANEL=auto|on|off"));
  r.log_y = "auto";
  r.where = "trial_id = 9";
  CHECK_THROWS_WITH(experiment_chart(c, {1, "axes"}, r), Contains("selects no trial"));
}

TEST_CASE("y axis: a loss that diverged towards the largest double keeps the axis finite (a tester's sgd run)", "[analysis][axes]") {
  // Padding 6% of the span in decades past 1.7e308 would be 10^(308.x + ...) = inf, which gnuplot
  // reads as an undefined variable: the range stops at the largest double.
  std::vector<double> diverging;
  for (int k = 0; k < 100; ++k) diverging.push_back(std::pow(10.0, 3.08 * k));  // 1 .. 1e305
  Panel log_panel;
  log_panel.curves = {line(diverging), line(constant(1e-20))};
  choose_y_axis(log_panel);
  REQUIRE(log_panel.y_range);
  CHECK(std::isfinite(log_panel.y_range->first));
  CHECK(log_panel.y_range->second == std::numeric_limits<double>::max());
  Panel linear;
  linear.curves = {line({1.0, 1.7e308, 1.0}), line({1.0, 1.0, 1.0}), line({1.2, 1.1, 1.0})};
  choose_y_axis(linear, "off");
  if (linear.y_range) CHECK((std::isfinite(linear.y_range->first) && std::isfinite(linear.y_range->second)));
}
