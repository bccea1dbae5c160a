// Reproducibility and fault tolerance through the CLI: verify, failure isolation, kill -9 at
// several moments then resume, SIGTERM, and readers during a sweep.
#include <catch2/catch.hpp>

#include "support/cli.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

// 24 trials of 400 updates over 50,000 parameters: about a second of work on 2 cores, so that a
// signal lands in the middle of the sweep.
const char* long_spec = R"({
  "name": "long", "seed": 5, "repeats": 2,
  "task": {"type": "quadratic", "dimension": 50000, "condition_number": 100, "steps_per_epoch": 50},
  "budget": {"steps": 400},
  "evaluate": {"every_steps": 100},
  "record": {"every_steps": 1},
  "grid": {"optimizer.learning_rate": [0.001, 0.003, 0.01, 0.03, 0.1, 0.3],
           "schedule": [{"type": "constant"}, {"type": "exponential_decay", "decay_steps": 100, "decay_rate": 0.5}]}
})";

// Everything a run stores except timing, run and surrogate-key columns.
std::string content(const fs::path& db) {
  std::string s;
  for (const char* q : {"SELECT trial_index, repeat, seed, trial_key, config_json, grid_json, status, error, steps_done, "
                        "final_train_loss, final_val_loss, best_val_loss, final_val_accuracy FROM trials ORDER BY trial_index",
                        "SELECT t.trial_index, s.step, s.epoch, s.lr, s.train_loss, s.beta_1 FROM steps s JOIN trials t "
                        "USING(trial_id) ORDER BY 1, 2",
                        "SELECT t.trial_index, e.step, e.epoch, e.metric, e.value FROM evals e JOIN trials t USING(trial_id) "
                        "ORDER BY 1, 2, 4",
                        "SELECT t.trial_index, v.step, v.epoch, v.source, v.kind, v.old_lr, v.new_lr, v.message FROM events v "
                        "JOIN trials t USING(trial_id) ORDER BY 1, v.event_id"}) {
    for (const auto& row : sql(db, q)) {
      for (const auto& c : row) s += c + "|";
      s += "\n";
    }
  }
  return s;
}

// Start `lrlab run` in the background, send `signal` after `delay` seconds; returns its exit code.
int run_and_signal(const fs::path& dir, const std::string& db, double delay, const char* signal) {
  const std::string script = "cd " + shell_quote(dir.string()) + " && (" + shell_quote(LRLAB_BIN) +
                             " run spec.json --jobs 2 -q --db " + db + " >/dev/null 2>run.err & p=$!; sleep " +
                             std::to_string(delay) + "; kill -" + signal + " $p 2>/dev/null; wait $p; echo $? > rc)";
  std::system(script.c_str());
  return std::stoi(read_file(dir / "rc"));
}

void exec_sql(const fs::path& db, const std::string& statement) {
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
  REQUIRE(sqlite3_exec(h, statement.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(h);
}

}  // namespace

TEST_CASE("verify: identical on a fresh sweep, and names the step and column of an altered value", "[e2e][verify]") {
  const fs::path dir = temp_dir("verify");
  write_file(dir / "spec.json", R"({"name": "v", "repeats": 2,
    "task": {"type": "quadratic", "dimension": 5, "condition_number": 10, "noise_std": 0.3, "steps_per_epoch": 10},
    "budget": {"epochs": 4}, "grid": {"optimizer.learning_rate": [0.01, 0.1]}})");
  REQUIRE(run_lrlab({"run", "spec.json", "--db", "v.db"}, dir).rc == 0);
  auto r = run_lrlab({"verify", "v.db"}, dir);
  CHECK(r.rc == 0);
  CHECK_THAT(r.err, Contains("verified 4 trials: 4 identical"));
  CHECK_THAT(r.out, Contains("identical (40 steps, 4 evals, 0 events)"));

  exec_sql(dir / "v.db", "UPDATE steps SET lr = lr * 2 WHERE trial_id = 3 AND step = 17");
  r = run_lrlab({"verify", "v.db", "--trial", "3"}, dir);
  CHECK(r.rc == 1);
  CHECK_THAT(r.out, Contains("DIFFERS at steps, step 17, column lr: stored 0.20000000000000001, recomputed 0.10000000000000001"));
  r = run_lrlab({"verify", "v.db"}, dir);
  CHECK(r.rc == 1);
  CHECK_THAT(r.err, Contains("3 identical, 1 different"));
  exec_sql(dir / "v.db", "UPDATE evals SET value = value + 1e-12 WHERE trial_id = 1 AND step = 20");
  r = run_lrlab({"verify", "v.db", "--trial", "1"}, dir);
  CHECK(r.rc == 1);
  CHECK_THAT(r.out, Contains("evals, step 20 metric val_loss, column value"));
}

TEST_CASE("a trial whose plugin throws fails alone: the others run, exit 1, the failure is named", "[e2e][failure]") {
  const fs::path dir = temp_dir("faulty");
  write_file(dir / "spec.json", R"({"name": "f", "task": {"type": "faulty"}, "budget": {"steps": 30},
    "grid": {"task.throw_at_step": [-1, 12, -1]}})");
  auto r = run_lrlab({"run", "spec.json", "--db", "f.db", "--plugin-dir", LRLAB_TEST_PLUGINS}, dir);
  CHECK(r.rc == 1);
  CHECK_THAT(r.err, Contains("2 completed") && Contains("1 failed") &&
                        Contains("trial 1 failed: faulty task: deliberate failure at step 12"));
  CHECK(sql1(dir / "f.db", "SELECT group_concat(status) FROM (SELECT status FROM trials ORDER BY trial_index)") ==
        "completed,failed,completed");
  CHECK(sql1(dir / "f.db", "SELECT steps_done || ' ' || error FROM trials WHERE trial_index = 1") ==
        "12 faulty task: deliberate failure at step 12");
  CHECK(sql1(dir / "f.db", "SELECT count(*) FROM steps WHERE trial_id IN (SELECT trial_id FROM trials WHERE trial_index != 1)") == "60");
}

TEST_CASE("kill -9 at several moments, then a rerun: the same content as an uninterrupted run", "[e2e][crash]") {
  const fs::path dir = temp_dir("crash");
  write_file(dir / "spec.json", long_spec);
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "2", "--db", "ref.db"}, dir).rc == 0);
  const std::string reference = content(dir / "ref.db");
  REQUIRE(sql1(dir / "ref.db", "SELECT count(*) FROM trials WHERE status = 'completed'") == "24");

  int interrupted_mid_sweep = 0;
  for (double delay : {0.05, 0.2, 0.4, 0.7}) {
    const std::string db = "k" + std::to_string(static_cast<int>(delay * 100)) + ".db";
    const int rc = run_and_signal(dir, db, delay, "9");
    if (fs::exists(dir / db) && sql1(dir / db, "SELECT count(*) FROM sqlite_master WHERE name = 'trials'") == "1") {
      // What a kill leaves opens, and every completed trial in it is whole.
      CHECK(sql1(dir / db, "PRAGMA integrity_check") == "ok");
      CHECK(sql1(dir / db, "SELECT count(*) FROM trials t WHERE status = 'completed' AND "
                           "(SELECT count(*) FROM steps s WHERE s.trial_id = t.trial_id) != 400") == "0");
      if (rc != 0 && sql1(dir / db, "SELECT count(*) FROM trials WHERE status = 'completed'") != "24") ++interrupted_mid_sweep;
    }
    auto r = run_lrlab({"run", "spec.json", "--jobs", "2", "--db", db}, dir);
    CHECK(r.rc == 0);
    CHECK(content(dir / db) == reference);
  }
  CHECK(interrupted_mid_sweep >= 1);
}

TEST_CASE("SIGTERM stops cleanly: exit 130, nothing left running, a rerun completes identically", "[e2e][crash]") {
  const fs::path dir = temp_dir("sigterm");
  write_file(dir / "spec.json", long_spec);
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "2", "--db", "ref.db"}, dir).rc == 0);
  const int rc = run_and_signal(dir, "t.db", 0.3, "TERM");
  if (rc == 130) {
    CHECK(sql1(dir / "t.db", "SELECT count(*) FROM trials WHERE status = 'running'") == "0");
    CHECK(sql1(dir / "t.db", "SELECT count(*) FROM steps s JOIN trials t USING(trial_id) WHERE t.status = 'pending'") == "0");
    CHECK(sql1(dir / "t.db", "SELECT exit_status FROM runs") == "130");
  } else {
    WARN("the sweep finished before SIGTERM arrived (rc " << rc << ")");
  }
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "2", "--db", "t.db"}, dir).rc == 0);
  CHECK(content(dir / "t.db") == content(dir / "ref.db"));
}

TEST_CASE("readers can query while a sweep writes, and the sweep never fails for it", "[e2e][concurrency]") {
  const fs::path dir = temp_dir("readers");
  write_file(dir / "spec.json", long_spec);
  const std::string script = "cd " + shell_quote(dir.string()) + " && (" + shell_quote(LRLAB_BIN) +
                             " run spec.json --jobs 2 -q --db c.db 2>run.err & p=$!; fails=0; reads=0; "
                             "while kill -0 $p 2>/dev/null; do if [ -f c.db ]; then " + shell_quote(LRLAB_BIN) +
                             " query c.db 'SELECT count(*) FROM steps' >/dev/null 2>>query.err || fails=$((fails+1)); "
                             "reads=$((reads+1)); fi; sleep 0.05; done; wait $p; echo $? $fails $reads > rc)";
  std::system(script.c_str());
  std::istringstream in(read_file(dir / "rc"));
  int rc = -1, fails = -1, reads = 0;
  in >> rc >> fails >> reads;
  INFO(read_file(dir / "query.err"));
  CHECK(rc == 0);
  CHECK(fails == 0);
  CHECK(reads > 3);
  CHECK(sql1(dir / "c.db", "SELECT count(*) FROM trials WHERE status = 'completed'") == "24");
}
