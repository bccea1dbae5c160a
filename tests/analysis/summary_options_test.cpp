// The summary's options on databases written by hand: the default metric (test_loss where stored),
// several metrics side by side with the best step, --where, --within (and the task never compared
// across), paths and metrics that do not exist, and the warnings.
#include <catch2/catch.hpp>
#include <cmath>

#include "lrlab/analysis/summary_table.hpp"
#include "lrlab/errors.hpp"
#include "results_fixture.hpp"

using Catch::Matchers::Contains;
using namespace lrlab;
using namespace lrlab::analysis;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

// val_accuracy on a lattice of 1/113 (its last evaluation, at step 20), 3 rates x 3 repeats:
//   P (lr 0.1): 100 101  99      Q (lr 0.2): 98 101 97      R (lr 0.3): 98 99 97   (/113)
// P's repeat 0 was best earlier, at step 10 (105/113); val_loss at step 20: P 0.3 0.4 0.5, others 1.
fs::path options_lattice_db() {
  const fs::path db = empty_results_db("lattice");
  std::string sql = experiment_row(1, "acc");
  const char* lrs[] = {"0.1", "0.2", "0.3"};
  const int k113[3][3] = {{100, 101, 99}, {98, 101, 97}, {98, 99, 97}};
  for (int k = 0; k < 3; ++k)
    for (int r = 0; r < 3; ++r) {
      const int id = 10 * k + r;
      sql += trial_row({id, 1, 3 * k + r, r, std::string(R"({"optimizer": {"learning_rate": )") + lrs[k] + "}}",
                        std::string(R"({"optimizer.learning_rate": )") + lrs[k] + "}"});
      sql += eval_row(id, 10, "val_accuracy", (k == 0 && r == 0 ? 105.0 : 90.0) / 113);
      sql += eval_row(id, 20, "val_accuracy", k113[k][r] / 113.0);
      sql += eval_row(id, 20, "val_loss", k == 0 ? 0.3 + 0.1 * r : 1.0);
    }
  sql_exec(db, sql);
  return db;
}

// Two tasks x 2 rates x 2 repeats; best_val_loss = trial_id / 10.
fs::path options_tasks_db() {
  const fs::path db = empty_results_db("tasks");
  std::string sql = experiment_row(1, "two-tasks");
  int id = 1;
  for (const char* task : {"quadratic", "rosenbrock"})
    for (const char* lr : {"0.1", "0.2"})
      for (int r = 0; r < 2; ++r, ++id) {
        const std::string config = std::string(R"({"task": {"type": ")") + task + R"("}, "optimizer": {"learning_rate": )" + lr + "}}";
        const std::string grid = std::string(R"({"task.type": ")") + task + R"(", "optimizer.learning_rate": )" + lr + "}";
        sql += trial_row({id, 1, id - 1, r, config, grid, "completed", id / 10.0});
      }
  sql_exec(db, sql);
  return db;
}

}  // namespace

TEST_CASE("summary options: the default metric is test_loss where stored, else best_val_loss", "[analysis][summary]") {
  const fs::path db = options_tasks_db();
  {
    const sqlite::Connection c = open_results_read_only(db.string());
    CHECK(summarize(c, {1, "two-tasks"}, {}).metric_line == "metric: best_val_loss (lower is better)");
  }
  {  // the column exists (schema 4) but holds no value: no test share
    const sqlite::Connection c = open_results_read_only(db.string());
    CHECK(summarize(c, {1, "two-tasks"}, {}).metric == "best_val_loss");
  }
  sql_exec(db, "UPDATE trials SET test_loss = 2.0 - trial_id / 10.0");
  const sqlite::Connection c = open_results_read_only(db.string());
  const Summary s = summarize(c, {1, "two-tasks"}, {});
  CHECK(s.metric == "test_loss");
  CHECK(s.metric_line == "metric: test_loss (lower is better)");
  // test_loss reverses the order of best_val_loss: the higher rate wins in each task.
  CHECK_THAT(s.verdicts[0], Contains("best: task.type=quadratic, optimizer.learning_rate=0.2 (mean test_loss 1.65"));
}

TEST_CASE("summary options: --within and the task: one ranking per task, never compared across", "[analysis][summary]") {
  const fs::path db = options_tasks_db();
  const sqlite::Connection c = open_results_read_only(db.string());
  // The grid varies task.type: that path is a within path by default.
  auto all = rank_all(c, {1, "two-tasks"}, {});
  REQUIRE(all.size() == 2);
  CHECK(all[0].within_columns == std::vector<std::string>{"task.type"});
  CHECK(all[0].group_name() == "task.type=quadratic");
  CHECK(all[1].group_name() == "task.type=rosenbrock");
  for (const auto& r : all) {
    REQUIRE(r.configurations.size() == 2);
    CHECK(r.configurations[0].rank == 1);
    CHECK(r.configurations[0].labels[0] == r.group_name().substr(10));
    CHECK(r.configurations[1].labels[0] == r.group_name().substr(10));
    CHECK(r.configurations[1].vs_best->diff == Approx(0.2));  // (id + 2) / 10 - id / 10, same task
  }
  CHECK_THROWS_AS(rank_configurations(c, {1, "two-tasks"}, {}), SpecError);
  // --by a rate alone still splits by task: a group never merges two tasks.
  SummaryRequest by_lr;
  by_lr.by = {"optimizer.learning_rate"};
  all = rank_all(c, {1, "two-tasks"}, by_lr);
  REQUIRE(all.size() == 2);
  CHECK(all[0].configurations[0].values == std::vector<double>{0.1, 0.2});
  CHECK(all[1].configurations[0].values == std::vector<double>{0.5, 0.6});
  // The table: the task column, then the ranking of each.
  const Table t = summary_table(all);
  CHECK(t.columns[0] == "rank");
  CHECK(t.columns[1] == "task.type");
  CHECK(t.columns[2] == "optimizer.learning_rate");
  REQUIRE(t.rows.size() == 4);
  CHECK(t.rows[2][0] == Cell{std::int64_t{1}});
  CHECK(t.rows[2][1] == Cell{std::string("rosenbrock")});
  const Summary s = summarize(c, {1, "two-tasks"}, {});
  REQUIRE(s.verdicts.size() == 2);
  CHECK_THAT(s.verdicts[0], Contains("[task.type=quadratic] best: task.type=quadratic, optimizer.learning_rate=0.1"));
  // --within an explicit path.
  SummaryRequest within_lr;
  within_lr.within = {"optimizer.learning_rate"};
  all = rank_all(c, {1, "two-tasks"}, within_lr);
  CHECK(all.size() == 4);
  CHECK(all[0].within_columns == std::vector<std::string>{"task.type", "optimizer.learning_rate"});
}

TEST_CASE("summary options: --where keeps the trials an SQL condition matches, a bad one is an error", "[analysis][summary]") {
  const fs::path db = options_tasks_db();
  const sqlite::Connection c = open_results_read_only(db.string());
  SummaryRequest r;
  r.where = "json_extract(config_json, '$.task.type') = 'rosenbrock'";
  auto all = rank_all(c, {1, "two-tasks"}, r);
  REQUIRE(all.size() == 1);
  CHECK(all[0].group_name() == "task.type=rosenbrock");
  r.where = "nope = 1";
  CHECK_THROWS_WITH(rank_all(c, {1, "two-tasks"}, r), Contains("--where \"nope = 1\" is not a condition on the trials table") &&
                                                          Contains("no such column: nope"));
  r.where = "1); DROP TABLE trials; --";
  CHECK_THROWS_WITH(rank_all(c, {1, "two-tasks"}, r), Contains("not several statements"));
  r.where = "0";
  CHECK_THROWS_WITH(rank_all(c, {1, "two-tasks"}, r), Contains("keeps none of the 8 trials"));
}

TEST_CASE("summary options: an unknown path or metric is an error naming the nearest", "[analysis][summary]") {
  const fs::path db = options_tasks_db();
  const sqlite::Connection c = open_results_read_only(db.string());
  SummaryRequest r;
  r.by = {"optimizer.learning_rat"};
  CHECK_THROWS_MATCHES(rank_all(c, {1, "two-tasks"}, r), SpecError,
                       Catch::Message("--by \"optimizer.learning_rat\": no trial's configuration has this path; did you mean "
                                      "optimizer.learning_rate?"));
  r = {};
  r.within = {"task.typ"};
  CHECK_THROWS_WITH(rank_all(c, {1, "two-tasks"}, r), Contains("--within \"task.typ\"") && Contains("did you mean task.type?"));
  r = {};
  r.metric = "best_val_los";
  CHECK_THROWS_WITH(rank_all(c, {1, "two-tasks"}, r), Contains("did you mean best_val_loss?"));
  r = {};
  r.also = {"final_val_los"};
  CHECK_THROWS_WITH(rank_all(c, {1, "two-tasks"}, r), Contains("did you mean final_val_loss?"));
}

TEST_CASE("summary options: --metric a,b shows the others' means and the best step", "[analysis][summary]") {
  const fs::path db = options_lattice_db();
  const sqlite::Connection c = open_results_read_only(db.string());
  SummaryRequest r;
  r.metric = "val_accuracy";
  r.also = {"val_loss"};
  const Ranking k = rank_configurations(c, {1, "acc"}, r);
  CHECK(k.maximize);
  CHECK(k.best_step_metric == "val_accuracy");
  CHECK(k.configurations[0].labels == std::vector<std::string>{"0.1"});
  REQUIRE(k.configurations[0].also_means.size() == 1);
  CHECK(k.configurations[0].also_means[0] == Approx(0.4));
  CHECK(k.configurations[0].best_step == Approx((10 + 20 + 20) / 3.0));
  CHECK(k.configurations[1].best_step == 20);
  CHECK(k.configurations[1].best_epoch == 0);
  const Table t = summary_table(k);
  CHECK(t.columns[8] == "mean_val_loss");
  CHECK(t.columns[9] == "best_step");
  CHECK(t.columns[10] == "best_epoch");
  // best_val_loss is read at the best val_loss: its best step is val_loss's.
  r = {};
  r.metric = "best_val_loss";
  CHECK(rank_configurations(c, {1, "acc"}, r).best_step_metric == "val_loss");
  r.metric = "wall_seconds";
  CHECK(rank_configurations(c, {1, "acc"}, r).best_step_metric.empty());
}

TEST_CASE("summary options: warnings for too few repeats, a discrete metric, and spread larger than the gap", "[analysis][summary]") {
  const fs::path db = options_lattice_db();
  const sqlite::Connection c = open_results_read_only(db.string());
  SummaryRequest r;
  r.metric = "val_accuracy";
  const Summary s = summarize(c, {1, "acc"}, r);
  REQUIRE(s.warnings.size() == 3);
  CHECK_THAT(s.warnings[0], Contains("too few repeats: with 3 paired repeats") && Contains("smallest p is 0.25"));
  CHECK_THAT(s.warnings[1], Contains("val_accuracy looks discrete (its values are multiples of 1/113)"));
  // P (sd 1/113) and Q (sd 2.08/113) are 1.33/113 apart.
  CHECK_THAT(s.warnings[2], Contains("is larger than the gap between the top two"));
  // R is 2/113 below P in every repeat: no t-test (not p = 0), a note; the Wilcoxon test still speaks.
  const Ranking k = rank_configurations(c, {1, "acc"}, r);
  const Comparison& rr = *k.configurations[2].vs_best;
  CHECK(std::isnan(rr.t_test.p));
  CHECK(rr.note == "differences have zero variance: no t-test");
  CHECK(rr.wilcoxon.p == Approx(0.25));
  CHECK_THAT(verdict(k), Contains("1 other not tested (see note)"));
}
