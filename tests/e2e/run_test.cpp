// End to end: the lrlab binary on small specs, the database checked with SQL.
#include <catch2/catch.hpp>

#include "support/cli.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {
// 2 learning rates x 3 schedules x 2 repeats on a noisy quadratic: 12 trials of 60 steps,
// recorded every 2 steps, evaluated every epoch of 20 steps.
const char* grid_spec = R"({
  "name": "grid6", "seed": 11, "repeats": 2,
  "task": {"type": "quadratic", "dimension": 8, "condition_number": 30, "noise_std": 0.5, "steps_per_epoch": 20},
  "optimizer": {"learning_rate": 0.01},
  "budget": {"epochs": 3},
  "evaluate": {"every_epochs": 1},
  "record": {"every_steps": 2},
  "grid": {
    "optimizer.learning_rate": [0.01, 0.1],
    "schedule": [{"type": "constant"},
                 {"type": "exponential_decay", "decay_steps": 10, "decay_rate": 0.5, "staircase": true},
                 {"type": "warmup", "steps": 10, "schedule": {"type": "constant"}}]
  }
})";

std::string rows_text(const fs::path& db, const std::string& q) {
  std::string s;
  for (const auto& r : sql(db, q)) {
    for (const auto& c : r) s += c + "|";
    s += "\n";
  }
  return s;
}
}  // namespace

TEST_CASE("a 2x3 grid with 2 repeats stores 12 completed trials with steps, evals and resolved configs", "[e2e]") {
  const fs::path dir = temp_dir("grid");
  write_file(dir / "spec.json", grid_spec);
  auto r = run_lrlab({"run", "spec.json", "--jobs", "2"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  CHECK_THAT(r.err, Contains("12 completed") && Contains("results/grid6.db"));
  const fs::path db = dir / "results" / "grid6.db";
  REQUIRE(fs::exists(db));
  CHECK(sql1(db, "SELECT count(*) FROM trials WHERE status = 'completed'") == "12");
  CHECK(sql1(db, "SELECT count(*) FROM trials") == "12");
  // 60 steps recorded every 2: 30 rows per trial; 3 evaluations of one metric per trial.
  CHECK(sql1(db, "SELECT count(*) FROM (SELECT trial_id FROM steps GROUP BY trial_id HAVING count(*) = 30)") == "12");
  CHECK(sql1(db, "SELECT count(*) FROM (SELECT trial_id FROM evals WHERE metric = 'val_loss' GROUP BY trial_id "
                 "HAVING count(*) = 3 AND min(step) = 20 AND max(step) = 60)") == "12");
  CHECK(sql1(db, "SELECT count(*) FROM trials WHERE steps_done = 60 AND final_val_loss IS NOT NULL "
                 "AND best_val_loss <= final_val_loss") == "12");
  // config_json holds the resolved values, defaults included.
  CHECK(sql1(db, "SELECT group_concat(DISTINCT json_extract(config_json, '$.optimizer.learning_rate')) FROM trials") == "0.01,0.1");
  CHECK(sql1(db, "SELECT json_extract(config_json, '$.schedule.type') || ' ' || json_extract(config_json, '$.schedule.decay_rate') "
                 "|| ' ' || json_extract(config_json, '$.optimizer.beta_2') FROM trials WHERE trial_index = 2") ==
        "exponential_decay 0.5 0.999");
  // The recorded rate is the schedule's: staircase halves at step 10 for lr 0.1.
  CHECK(sql1(db, "SELECT count(*) FROM steps s JOIN trials t USING(trial_id) WHERE t.trial_index = 8 AND "
                 "((step = 0 AND lr = 0.1) OR (step = 8 AND lr = 0.1) OR (step = 10 AND lr = 0.05) OR (step = 20 AND lr = 0.025))") == "4");
  // Repeats share seeds across configurations.
  CHECK(sql1(db, "SELECT count(DISTINCT seed) FROM trials") == "2");
  CHECK(sql1(db, "SELECT count(*) FROM experiments WHERE spec_sha256 != '' AND lrlab_version != ''") == "1");
}

TEST_CASE("running with 1 or 2 jobs gives the same steps and evals, bit for bit", "[e2e][reproducibility]") {
  const fs::path dir = temp_dir("jobs");
  write_file(dir / "spec.json", grid_spec);
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "1", "--db", "one.db"}, dir).rc == 0);
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "2", "--db", "two.db"}, dir).rc == 0);
  for (const char* q : {"SELECT t.trial_index, s.step, s.epoch, s.lr, s.train_loss FROM steps s JOIN trials t USING(trial_id) "
                        "ORDER BY 1, 2",
                        "SELECT t.trial_index, e.step, e.epoch, e.metric, e.value FROM evals e JOIN trials t USING(trial_id) "
                        "ORDER BY 1, 2, 4",
                        "SELECT trial_index, seed, status, final_train_loss, final_val_loss, best_val_loss FROM trials ORDER BY 1"}) {
    const std::string a = rows_text(dir / "one.db", q), b = rows_text(dir / "two.db", q);
    CHECK(a.size() > 100);
    CHECK(a == b);
  }
}

TEST_CASE("a bad spec exits 2 with the pointer and creates no database", "[e2e][errors]") {
  const fs::path dir = temp_dir("bad");
  std::string bad = grid_spec;
  bad.replace(bad.find("\"decay_steps\": 10"), 17, "\"decay_step\": 10");
  write_file(dir / "spec.json", bad);
  auto r = run_lrlab({"run", "spec.json"}, dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("/grid/schedule/1/decay_step: unknown parameter; did you mean decay_steps?"));
  CHECK_FALSE(fs::exists(dir / "results"));
  CHECK(fs::is_empty(dir) == false);  // only spec.json
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);

  write_file(dir / "syntax.json", "{\n  \"name\": \"x\",,\n}");
  r = run_lrlab({"run", "syntax.json"}, dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("syntax.json:2:15") && Contains("syntax error"));
  CHECK(run_lrlab({"run", "missing.json"}, dir).rc == 2);
  CHECK(run_lrlab({"run"}, dir).rc == 2);
  CHECK(run_lrlab({"frobnicate"}, dir).rc == 2);
}

TEST_CASE("lrlab query is read-only: a DELETE is refused and deletes nothing", "[e2e][query]") {
  const fs::path dir = temp_dir("query");
  write_file(dir / "spec.json", grid_spec);
  REQUIRE(run_lrlab({"run", "spec.json", "--db", "q.db"}, dir).rc == 0);
  const std::string before = read_file(dir / "q.db");
  auto r = run_lrlab({"query", "q.db", "DELETE FROM trials"}, dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("read-only"));
  CHECK(sql1(dir / "q.db", "SELECT count(*) FROM trials") == "12");
  CHECK(run_lrlab({"query", "q.db", "SELECT 1; DROP TABLE steps"}, dir).rc == 2);
  CHECK(sql1(dir / "q.db", "SELECT count(*) FROM steps") == "360");

  r = run_lrlab({"query", "q.db", "SELECT trial_index, final_val_loss FROM trials WHERE trial_index < 2 ORDER BY 1", "--format", "csv"}, dir);
  CHECK(r.rc == 0);
  CHECK(r.out.rfind("trial_index,final_val_loss\n0,", 0) == 0);
  r = run_lrlab({"query", "q.db", "SELECT trial_index, status FROM trials WHERE trial_index = 3", "--format", "json"}, dir);
  CHECK(r.rc == 0);
  CHECK_THAT(r.out, Contains("\"trial_index\": 3") && Contains("\"status\": \"completed\""));
  CHECK(run_lrlab({"query", "nope.db", "SELECT 1"}, dir).rc == 2);
  CHECK_FALSE(fs::exists(dir / "nope.db"));
}

TEST_CASE("a rerun resumes (nothing rerun), a changed spec needs --fresh, --fresh adds an experiment", "[e2e][resume]") {
  const fs::path dir = temp_dir("resume");
  write_file(dir / "spec.json", grid_spec);
  REQUIRE(run_lrlab({"run", "spec.json", "--db", "r.db"}, dir).rc == 0);
  const std::string walls = rows_text(dir / "r.db", "SELECT wall_seconds FROM trials ORDER BY trial_id");
  auto r = run_lrlab({"run", "spec.json", "--db", "r.db"}, dir);
  CHECK(r.rc == 0);
  CHECK_THAT(r.err, Contains("0 trials") && Contains("resumed with 12 already done"));
  CHECK(rows_text(dir / "r.db", "SELECT wall_seconds FROM trials ORDER BY trial_id") == walls);

  std::string changed = grid_spec;
  changed.replace(changed.find("\"seed\": 11"), 10, "\"seed\": 12");
  write_file(dir / "spec.json", changed);
  const std::string bytes = read_file(dir / "r.db");
  r = run_lrlab({"run", "spec.json", "--db", "r.db"}, dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("different spec") && Contains("--fresh"));
  CHECK(read_file(dir / "r.db") == bytes);
  REQUIRE(run_lrlab({"run", "spec.json", "--db", "r.db", "--fresh"}, dir).rc == 0);
  CHECK(sql1(dir / "r.db", "SELECT count(*) FROM experiments") == "2");
  CHECK(sql1(dir / "r.db", "SELECT count(*) FROM trials WHERE status = 'completed'") == "24");
}

TEST_CASE("a file that is not an lrlab database is refused and left unchanged", "[e2e][errors]") {
  const fs::path dir = temp_dir("notdb");
  write_file(dir / "spec.json", grid_spec);
  write_file(dir / "text.db", "hello, I am not a database\n");
  auto r = run_lrlab({"run", "spec.json", "--db", "text.db"}, dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("not an SQLite database"));
  CHECK(read_file(dir / "text.db") == "hello, I am not a database\n");
}

TEST_CASE("an infinite loss ends the trial as diverged, not failed", "[e2e]") {
  const fs::path dir = temp_dir("diverge");
  write_file(dir / "spec.json", R"({"name": "div", "task": {"type": "rosenbrock", "initial": [-1.2, 1.0], "steps_per_epoch": 10},
    "optimizer": {"learning_rate": 1e200}, "budget": {"steps": 50}})");
  auto r = run_lrlab({"run", "spec.json", "--db", "d.db"}, dir);
  CHECK(r.rc == 0);
  CHECK_THAT(r.err, Contains("1 diverged"));
  CHECK(sql1(dir / "d.db", "SELECT status FROM trials") == "diverged");
  CHECK_THAT(sql1(dir / "d.db", "SELECT error FROM trials"), Contains("train loss is inf"));
}

TEST_CASE("validate prints the trials and writes nothing", "[e2e]") {
  const fs::path dir = temp_dir("validate");
  write_file(dir / "spec.json", grid_spec);
  auto r = run_lrlab({"validate", "spec.json"}, dir);
  CHECK(r.rc == 0);
  CHECK_THAT(r.out, Contains("12 trials (6 configurations x 2 repeats)"));
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
}

TEST_CASE("preview prints step,epoch,lr with exact numbers", "[e2e][preview]") {
  auto r = run_lrlab({"preview", "--schedule", R"({"type": "exponential_decay", "decay_steps": 2, "decay_rate": 0.5, "staircase": true})",
                  "--steps", "5", "--base-lr", "0.1", "--steps-per-epoch", "2"});
  CHECK(r.rc == 0);
  CHECK(r.out == "step,epoch,lr\n0,0,0.10000000000000001\n1,0,0.10000000000000001\n2,1,0.050000000000000003\n"
                 "3,1,0.050000000000000003\n4,2,0.025000000000000001\n");
  r = run_lrlab({"preview", "--schedule", R"({"type": "exponential_decay", "decay_steps": 0})", "--steps", "3"});
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("/decay_steps"));
  r = run_lrlab({"preview", "--schedule", R"({"type": "constant"})", "--steps", "2", "--format", "json"});
  CHECK(r.rc == 0);
  CHECK_THAT(r.out, Contains("\"lr\": 0.001"));
}

TEST_CASE("plugins and describe list the components, bad plugin folders exit 2", "[e2e][plugins]") {
  auto r = run_lrlab({"plugins"});
  CHECK(r.rc == 0);
  CHECK_THAT(r.out, Contains("exponential_decay") && Contains("lrlab_decay.so") && Contains("quadratic"));
  r = run_lrlab({"plugins", "--format", "json"});
  CHECK(r.rc == 0);
  CHECK_THAT(r.out, Contains("\"name\": \"decay_steps\""));
  r = run_lrlab({"describe", "exponential_decay"});
  CHECK(r.rc == 0);
  CHECK_THAT(r.out, Contains("keras.optimizers.schedules.ExponentialDecay") && Contains("decay_rate"));
  r = run_lrlab({"describe", "exponental_decay"});
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("did you mean exponential_decay?"));
  r = run_lrlab({"plugins", "--plugin-dir", "/no/such/folder"});
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("/no/such/folder") && Contains("does not exist"));
}
