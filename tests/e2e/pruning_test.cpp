// Pruners through the CLI: successive halving's rungs checked against the rule recomputed here
// from the stored evaluations with SQL; the same trials pruned under --jobs 1 and 2 and after a
// SIGKILL during a rung; every pruner type end to end; verify, summary's resources. (Under MPI
// ranks: tests/e2e/mpi_test.cpp.)
#include <catch2/catch.hpp>
#include <signal.h>

#include <algorithm>
#include <map>
#include <set>

#include "support/cli.hpp"
#include "support/db_content.hpp"
#include "support/kill_moments.hpp"
#include "support/process.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

// 9 learning rates x 2 repeats on a noisy quadratic, 270 updates, an evaluation every 10, with
// `pruner`. Successive halving with eta 3 from 10 has rungs at 10, 30 and 90.
std::string pruned_spec(const std::string& pruner, int dimension = 40, int repeats = 2) {
  return R"({"name": "pruned", "seed": 5, "repeats": )" + std::to_string(repeats) + R"(,
  "task": {"type": "quadratic", "dimension": )" + std::to_string(dimension) + R"(, "condition_number": 30, "noise_std": 0.3, "steps_per_epoch": 10},
  "budget": {"steps": 270},
  "evaluate": {"every_steps": 10},
  "checkpoint": {"every_steps": 50},
  "grid": {"optimizer.learning_rate": [0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3]},
  "pruner": )" + pruner + "}";
}

std::string halving(int min_steps) {
  return R"({"type": "successive_halving", "eta": 3, "min_steps": )" + std::to_string(min_steps) + "}";
}

// Successive halving recomputed from the stored evaluations: at each rung, the configurations not
// pruned before it, ranked by the mean over their repeats of val_loss at the rung (ties to the
// lower index), keep floor(n / 3) (at least 1). Returns the points pruned at each rung.
std::map<int, std::set<int>> halving_by_sql(const fs::path& db, int repeats, const std::vector<int>& rungs) {
  std::map<int, std::set<int>> pruned;
  std::set<int> gone;
  for (const int rung : rungs) {
    std::vector<std::pair<double, int>> ranked;
    for (const auto& row : sql(db, "SELECT t.trial_index / " + std::to_string(repeats) + " AS p, avg(e.value) FROM trials t "
                                   "JOIN evals e ON e.trial_id = t.trial_id AND e.metric = 'val_loss' AND e.step = " +
                                   std::to_string(rung) + " GROUP BY p ORDER BY p")) {
      const int p = std::stoi(row[0]);
      if (!gone.count(p)) ranked.emplace_back(std::stod(row[1]), p);
    }
    std::sort(ranked.begin(), ranked.end());
    const std::size_t keep = std::max<std::size_t>(1, ranked.size() / 3);
    for (std::size_t i = keep; i < ranked.size(); ++i) {
      pruned[rung].insert(ranked[i].second);
      gone.insert(ranked[i].second);
    }
  }
  return pruned;
}

std::map<int, std::set<int>> pruned_by_status(const fs::path& db, int repeats) {
  std::map<int, std::set<int>> pruned;
  for (const auto& row : sql(db, "SELECT steps_done, trial_index / " + std::to_string(repeats) +
                                     " FROM trials WHERE status = 'pruned'"))
    pruned[std::stoi(row[0])].insert(std::stoi(row[1]));
  return pruned;
}

}  // namespace

TEST_CASE("pruning: successive halving stops what the rule says at each rung, the same under --jobs 1 and 2",
          "[e2e][pruning]") {
  const fs::path dir = temp_dir("pruning_jobs");
  write_file(dir / "spec.json", pruned_spec(halving(10)));
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "1", "-q", "--db", "one.db"}, dir).rc == 0);
  const auto r = run_lrlab({"run", "spec.json", "--jobs", "2", "--db", "two.db"}, dir);
  REQUIRE(r.rc == 0);
  CHECK_THAT(r.err, Contains("18 trials in") && Contains("2 completed, 16 pruned"));
  const fs::path db = dir / "one.db";
  CHECK(db_content(dir / "two.db") == db_content(db));

  // 9 configurations: 6 stop at 10, 2 at 30, none at 90 (max(1, floor(1/3)) = 1 goes on).
  const auto expected = halving_by_sql(db, 2, {10, 30, 90});
  CHECK(pruned_by_status(db, 2) == expected);
  CHECK(expected.at(10).size() == 6);
  CHECK(expected.at(30).size() == 2);
  CHECK(expected.count(90) == 0);
  // The repeats of a configuration stop together; the one left trains its whole budget.
  CHECK(sql1(db, "SELECT count(*) FROM trials WHERE status = 'completed' AND steps_done = 270") == "2");
  // Each pruned trial: one events row from the pruner at the step it stopped at, naming the rung,
  // the rate of its last update, and no row after that step.
  CHECK(sql1(db, "SELECT count(*) FROM trials t WHERE status = 'pruned' AND (SELECT count(*) FROM events v WHERE "
                 "v.trial_id = t.trial_id AND v.source = 'pruner' AND v.kind = 'prune' AND v.step = t.steps_done) = 1") == "16");
  CHECK(sql1(db, "SELECT count(*) FROM events WHERE source = 'pruner' AND message NOT LIKE 'successive_halving, rung %'") == "0");
  CHECK(sql1(db, "SELECT count(*) FROM events v JOIN trials t USING (trial_id) WHERE v.source = 'pruner' AND "
                 "v.old_lr IS NOT json_extract(t.config_json, '$.optimizer.learning_rate')") == "0");
  CHECK(sql1(db, "SELECT count(*) FROM trials t WHERE status = 'pruned' AND ((SELECT max(step) FROM steps s WHERE "
                 "s.trial_id = t.trial_id) != t.steps_done - 1 OR (SELECT max(step) FROM evals e WHERE e.trial_id = "
                 "t.trial_id) != t.steps_done)") == "0");
  CHECK(sql1(db, "SELECT count(*) FROM checkpoints") == "0");  // a finished or pruned trial keeps none
  CHECK(sql1(db, "SELECT sum(budget_steps) FROM trials") == "4860");  // 18 x 270

  // summary: the updates trained against the same search without pruning, and the pruned
  // configurations named as such rather than ranked on numbers from a shorter training.
  const std::string trained = sql1(db, "SELECT sum(steps_done) FROM trials");
  CHECK(trained == std::to_string(6 * 2 * 10 + 2 * 2 * 30 + 2 * 270));
  const auto s = run_lrlab({"summary", "one.db", "--metric", "best_val_loss"}, dir);
  REQUIRE(s.rc == 0);
  CHECK_THAT(s.out, Contains("resources: " + trained + " of 4860 updates trained (") &&
                        Contains("the successive_halving pruner stopped 16 of 18 trials") && Contains("pruned at step 10") &&
                        Contains("pruned at step 30"));
  // A pruned trial is rerun to the step it stopped at: verify finds every trial identical.
  const auto v = run_lrlab({"verify", "one.db", "--all"}, dir);
  INFO(v.out << v.err);
  CHECK(v.rc == 0);
  // A rerun has nothing left to do.
  const std::string before = db_content(db);
  CHECK(run_lrlab({"run", "spec.json", "-q", "--db", "one.db"}, dir).rc == 0);
  CHECK(db_content(db) == before);
}

TEST_CASE("pruning: SIGKILL during a rung, twice, then a rerun: the same trials pruned, bit for bit", "[e2e][pruning][crash]") {
  const fs::path dir = temp_dir("pruning_kill");
  // Rungs at 30 and 90 (270 is the end), on a quadratic large enough that a rung takes a while.
  write_file(dir / "spec.json", pruned_spec(halving(30), 100000));
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "2", "-q", "--db", "ref.db"}, dir).rc == 0);
  // First during rung 1 (some trials paused at 10, none pruned yet), then during rung 2 (after
  // the first decision, before the second).
  kill_at_moments(dir, {"run", "spec.json", "--jobs", "2", "-q", "--db", "killed.db"}, dir / "killed.db", {
      {"SELECT count(*) FROM checkpoints WHERE steps_done = 30", "SELECT count(*) FROM trials WHERE status = 'pruned'"},
      {"SELECT count(*) FROM checkpoints WHERE steps_done = 90", "SELECT count(*) FROM trials WHERE status = 'pruned' AND steps_done = 90"}});
  const auto r = run_lrlab({"run", "spec.json", "--jobs", "2", "--db", "killed.db"}, dir);
  INFO(r.err);
  CHECK(r.rc == 0);
  CHECK(db_content(dir / "killed.db") == db_content(dir / "ref.db"));
  CHECK(pruned_by_status(dir / "killed.db", 2) == halving_by_sql(dir / "ref.db", 2, {30, 90}));
}

TEST_CASE("pruning: hyperband, median and paired_wilcoxon run end to end, the same under --jobs 1 and 2", "[e2e][pruning]") {
  const fs::path dir = temp_dir("pruning_types");
  struct Case {
    std::string pruner;
    int repeats;
  };
  for (const Case& c : {Case{R"({"type": "hyperband", "eta": 3, "min_steps": 10})", 1},
                        Case{R"({"type": "median", "warmup_steps": 30, "every_steps": 30, "min_configurations": 4})", 2},
                        Case{R"({"type": "paired_wilcoxon", "alpha": 0.05, "every_steps": 30})", 5}}) {
    INFO(c.pruner);
    write_file(dir / "spec.json", pruned_spec(c.pruner, 40, c.repeats));
    fs::remove(dir / "one.db");
    fs::remove(dir / "two.db");
    REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "1", "-q", "--db", "one.db"}, dir).rc == 0);
    REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "2", "-q", "--db", "two.db"}, dir).rc == 0);
    CHECK(db_content(dir / "two.db") == db_content(dir / "one.db"));
    const int pruned = std::stoi(sql1(dir / "one.db", "SELECT count(*) FROM trials WHERE status = 'pruned'"));
    CHECK(pruned > 0);
    CHECK(pruned < 9 * c.repeats);
    CHECK(sql1(dir / "one.db", "SELECT count(*) FROM trials WHERE status NOT IN ('pruned', 'completed')") == "0");
    // Every configuration's repeats end alike: all pruned at one step, or all completed.
    CHECK(sql1(dir / "one.db", "SELECT count(*) FROM (SELECT trial_index / " + std::to_string(c.repeats) +
                                   " AS p FROM trials GROUP BY p HAVING count(DISTINCT status || steps_done) > 1)") == "0");
  }
}

TEST_CASE("pruning: a database of schema version 5 gets the status pruned and budget_steps, its rows kept", "[e2e][pruning]") {
  const fs::path dir = temp_dir("pruning_migrate");
  write_file(dir / "old.json", R"({"name": "old", "seed": 2, "repeats": 2,
    "task": {"type": "quadratic", "dimension": 5, "condition_number": 10, "noise_std": 0.2, "steps_per_epoch": 10},
    "budget": {"steps": 40}, "grid": {"optimizer.learning_rate": [0.01, 0.1]}})");
  REQUIRE(run_lrlab({"run", "old.json", "--db", "x.db", "-q"}, dir).rc == 0);
  const fs::path db = dir / "x.db";
  // As lrlab with schema 5 made it: the trials table without budget_steps, its status CHECK
  // without 'pruned' (so that a pruned trial could not be stored in it).
  sql_exec(db, R"(
    CREATE TABLE t5 AS SELECT * FROM trials; DROP TABLE trials;
    CREATE TABLE trials(trial_id INTEGER PRIMARY KEY, experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),
      trial_index INTEGER NOT NULL, repeat INTEGER NOT NULL, seed INTEGER NOT NULL, trial_key TEXT NOT NULL,
      config_json TEXT NOT NULL, grid_json TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN
      ('pending','running','completed','diverged','failed','stopped_early')), error TEXT,
      steps_done INTEGER NOT NULL DEFAULT 0, wall_seconds REAL, final_train_loss REAL, final_val_loss REAL,
      best_val_loss REAL, final_val_accuracy REAL, run_id INTEGER, host TEXT, rank INTEGER, selected_step INTEGER,
      test_loss REAL, test_accuracy REAL, final_test_loss REAL, final_test_accuracy REAL, split_fingerprint TEXT,
      UNIQUE (experiment_id, trial_index));
    INSERT INTO trials SELECT trial_id, experiment_id, trial_index, repeat, seed, trial_key, config_json, grid_json, status,
      error, steps_done, wall_seconds, final_train_loss, final_val_loss, best_val_loss, final_val_accuracy, run_id, host,
      rank, selected_step, test_loss, test_accuracy, final_test_loss, final_test_accuracy, split_fingerprint FROM t5;
    DROP TABLE t5; PRAGMA user_version = 5;)");
  const std::string before = db_content(db);
  // A pruned experiment in the same file: the table is rebuilt with its rows, the views made again.
  write_file(dir / "spec.json", pruned_spec(halving(10)));
  const auto r = run_lrlab({"run", "spec.json", "--db", "x.db", "-q"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  CHECK(sql1(db, "PRAGMA user_version") == "7");
  CHECK(sql1(db, "SELECT count(*) FROM sqlite_master WHERE name = 'lineage'") == "1");  // schema 7
  CHECK(sql1(db, "PRAGMA integrity_check") == "ok");
  CHECK(sql1(db, "SELECT count(*) FROM trials WHERE status = 'pruned'") == "16");
  CHECK(sql1(db, "SELECT count(*) FROM trials WHERE experiment_id = 1 AND budget_steps IS NULL") == "4");
  CHECK(sql1(db, "SELECT count(*) FROM best_evals b JOIN trials t USING (trial_id) WHERE t.experiment_id = 1") == "4");
  // The old experiment's rows as they were (db_content lists every experiment's trials).
  CHECK(db_content(db).find(before.substr(0, before.find('\n'))) != std::string::npos);
  CHECK(sql1(db, "SELECT group_concat(status || ':' || steps_done) FROM trials WHERE experiment_id = 1") ==
        "completed:40,completed:40,completed:40,completed:40");
}
