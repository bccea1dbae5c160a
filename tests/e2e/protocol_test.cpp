// The evaluation protocol (issue 15, points 1, 2 and 4): a test share held out of training and
// model selection, splits drawn per repeat or by fold, seeds that can be swept, and what planning
// now refuses (a monitor the task does not report, a grid key that changes nothing, a bad base
// section the grid replaces). Every expectation is computed here from the rows, in SQL, not taken
// from lrlab's own summary.
#include <catch2/catch.hpp>

#include "support/cli.hpp"
#include "support/two_class_csv.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

// Logistic regression on 60 rows (30 per class), 2 rates x 3 repeats, with `task_extra` in the
// task object; run in a new folder. Returns the database.
fs::path protocol_sweep(const std::string& label, const std::string& task_extra, const std::string& top_extra = "") {
  const fs::path dir = temp_dir(label);
  write_file(dir / "data.csv", two_class_csv(3));
  write_file(dir / "spec.json", R"({"name": "p", "seed": 5, "repeats": 3,
    "task": {"type": "logistic_regression", "data": "data.csv", "batch_size": 8)" + task_extra + R"(},
    "budget": {"epochs": 6}, "grid": {"optimizer.learning_rate": [0.01, 0.3]})" + top_extra + "}");
  const auto r = run_lrlab({"run", "spec.json", "--db", "p.db", "-q"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  return dir / "p.db";
}

// lrlab validate on `spec` (a whole spec) in a new folder with data.csv: its result.
CliResult validate_spec(const std::string& label, const std::string& spec) {
  const fs::path dir = temp_dir(label);
  write_file(dir / "data.csv", two_class_csv(1));
  write_file(dir / "spec.json", spec);
  return run_lrlab({"validate", "spec.json"}, dir);
}

}  // namespace

TEST_CASE("protocol: resplit per_repeat gives each repeat its own split, shared by the grid points of that repeat",
          "[e2e][protocol]") {
  const fs::path db = protocol_sweep("protocol-resplit", R"(, "split": {"validation": 0.2, "test": 0.2}, "resplit": "per_repeat")");
  CHECK(sql1(db, "SELECT count(DISTINCT split_fingerprint) FROM trials") == "3");
  CHECK(sql1(db, "SELECT max(n) FROM (SELECT count(DISTINCT split_fingerprint) AS n FROM trials GROUP BY repeat)") == "1");
  // The default draws once per experiment: one split for every trial.
  const fs::path fixed = protocol_sweep("protocol-fixed", R"(, "split": {"validation": 0.2, "test": 0.2})");
  CHECK(sql1(fixed, "SELECT count(DISTINCT split_fingerprint) FROM trials") == "1");
}

TEST_CASE("protocol: the test metrics are taken at the step of the best val_loss and at the end, and never in evals",
          "[e2e][protocol]") {
  const fs::path db = protocol_sweep("protocol-test", R"(, "split": {"validation": 0.2, "test": 0.2})");
  // The selected step, recomputed from the stored evaluations: the first step with the least val_loss.
  CHECK(sql1(db, "SELECT count(*) FROM trials t WHERE selected_step IS NOT (SELECT step FROM evals e WHERE "
                 "e.trial_id = t.trial_id AND metric = 'val_loss' ORDER BY value, step LIMIT 1)") == "0");
  CHECK(sql1(db, "SELECT count(*) FROM trials WHERE test_loss IS NULL OR final_test_loss IS NULL") == "0");
  // 6 test examples per class: every test accuracy is a multiple of 1/12.
  CHECK(sql1(db, "SELECT count(*) FROM trials WHERE abs(test_accuracy * 12 - round(test_accuracy * 12)) > 1e-9 "
                 "OR abs(final_test_accuracy * 12 - round(final_test_accuracy * 12)) > 1e-9") == "0");
  // Policies and queries of evals see validation metrics only.
  CHECK(sql1(db, "SELECT count(*) FROM evals WHERE metric LIKE 'test%'") == "0");
  // Where the selected step is the last evaluation, the two test losses are one number.
  CHECK(sql1(db, "SELECT count(*) FROM trials WHERE selected_step = steps_done AND test_loss != final_test_loss") == "0");
  // Bit-reproducible like everything else.
  CHECK(run_lrlab({"verify", "p.db", "--all"}, db.parent_path()).rc == 0);
}

TEST_CASE("protocol: folds, each repeat validates on its own fold", "[e2e][protocol]") {
  const fs::path db = protocol_sweep("protocol-folds", R"(, "folds": 3)");
  CHECK(sql1(db, "SELECT count(DISTINCT split_fingerprint) FROM trials") == "3");
  CHECK(sql1(db, "SELECT max(n) FROM (SELECT count(DISTINCT split_fingerprint) AS n FROM trials GROUP BY repeat)") == "1");
  CHECK(sql1(db, "SELECT count(*) FROM trials WHERE test_loss IS NOT NULL") == "0");  // no test share asked for
}

TEST_CASE("protocol: a grid over seed is stored in the configuration, each value a replicate set with its own split",
          "[e2e][protocol]") {
  const fs::path dir = temp_dir("protocol-seed");
  write_file(dir / "data.csv", two_class_csv(2));
  write_file(dir / "spec.json", R"({"name": "s", "repeats": 2,
    "task": {"type": "logistic_regression", "data": "data.csv", "batch_size": 8},
    "budget": {"epochs": 2}, "grid": {"seed": [11, 12]}})");
  const auto r = run_lrlab({"run", "spec.json", "--db", "s.db", "-q"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  const fs::path db = dir / "s.db";
  CHECK(sql1(db, "SELECT group_concat(json_extract(config_json, '$.seed'), ',') FROM trials") == "11,11,12,12");
  CHECK(sql1(db, "SELECT count(DISTINCT split_fingerprint) FROM trials") == "2");  // the split follows the seed
  CHECK(sql1(db, "SELECT count(DISTINCT seed) FROM trials") == "4");
  CHECK(sql1(db, "SELECT count(DISTINCT trial_key) FROM trials") == "4");
  // Repeat r of seed 11 and of seed 12 share nothing: summary ranks within each seed, never pairs them.
  const auto s = run_lrlab({"summary", "s.db", "--by", "optimizer.learning_rate"}, dir);
  INFO(s.out << s.err);
  REQUIRE(s.rc == 0);
  CHECK_THAT(s.out, Contains("seed=11") && Contains("seed=12"));
  CHECK(s.out.find("beats") == std::string::npos);
}

TEST_CASE("protocol: a grid key whose values change nothing is refused at the key", "[e2e][protocol]") {
  const auto r = validate_spec("protocol-nothing", R"({"name": "n", "task": {"type": "rosenbrock"}, "budget": {"steps": 5},
    "grid": {"optimizer.learning_rate": [0.01, 0.1], "schedule": [{"type": "constant"}, {"type": "constant"}]}})");
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("/grid/schedule") && Contains("changes nothing"));
}

TEST_CASE("protocol: a policy monitoring a metric the task does not report is refused before any trial", "[e2e][protocol]") {
  auto r = validate_spec("protocol-monitor", R"({"name": "m", "task": {"type": "logistic_regression", "data": "data.csv"},
    "budget": {"epochs": 2}, "policies": [{"type": "reduce_on_plateau", "monitor": "val_acc"}]})");
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("/policies/0/monitor") && Contains("val_loss, val_accuracy"));
  r = validate_spec("protocol-monitor-test", R"({"name": "m", "task": {"type": "logistic_regression", "data": "data.csv",
    "split": {"validation": 0.2, "test": 0.2}}, "budget": {"epochs": 2},
    "policies": [{"type": "early_stopping", "monitor": "test_loss"}]})");
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("/policies/0/monitor") && Contains("test metric"));
}

TEST_CASE("protocol: a base schedule the grid replaces is still checked", "[e2e][protocol]") {
  const auto r = validate_spec("protocol-base", R"({"name": "b", "task": {"type": "rosenbrock"}, "budget": {"steps": 5},
    "schedule": {"type": "exponential_decay", "decay_steps": -3},
    "grid": {"schedule": [{"type": "constant"}, {"type": "cosine_decay", "decay_steps": 5}]}})");
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("/schedule/decay_steps"));
}

TEST_CASE("protocol: split and val_fraction together, or a split with nothing to train on, are refused", "[e2e][protocol]") {
  auto r = validate_spec("protocol-split-both", R"({"name": "b", "task": {"type": "logistic_regression", "data": "data.csv",
    "val_fraction": 0.3, "split": {"validation": 0.2, "test": 0.1}}, "budget": {"epochs": 2}})");
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("/task/split") && Contains("give one"));
  r = validate_spec("protocol-split-full", R"({"name": "b", "task": {"type": "logistic_regression", "data": "data.csv",
    "split": {"validation": 0.5, "test": 0.5}}, "budget": {"epochs": 2}})");
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("/task/split") && Contains("nothing to train"));
}

TEST_CASE("protocol: an error inside a grid value names the grid value", "[e2e][protocol]") {
  const auto r = validate_spec("protocol-grid-value", R"({"name": "g", "task": {"type": "rosenbrock"}, "budget": {"steps": 5},
    "grid": {"task.type": ["rosenbrock", "rosenbrok"]}})");
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("/grid/task.type/1") && Contains("rosenbrock"));
}
