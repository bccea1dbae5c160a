// Reproducibility and fault tolerance through the CLI: verify, failure isolation, kill -9 at
// several moments then resume, SIGTERM, and readers during a sweep.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <chrono>
#include <functional>
#include <thread>

#include "support/cli.hpp"
#include "support/db_content.hpp"
#include "support/process.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

// 24 trials of 400 updates over `dimension` parameters. The signals below are sent when the
// database shows the sweep has reached a given point, not after fixed delays, so they land where
// they should however fast the build is (a sanitizer build is ten times slower than Release).
std::string sweep_spec(int dimension) {
  return R"({
  "name": "long", "seed": 5, "repeats": 2,
  "task": {"type": "quadratic", "dimension": )" + std::to_string(dimension) + R"(, "condition_number": 100, "steps_per_epoch": 50},
  "budget": {"steps": 400},
  "evaluate": {"every_steps": 100},
  "record": {"every_steps": 1},
  "grid": {"optimizer.learning_rate": [0.001, 0.003, 0.01, 0.03, 0.1, 0.3],
           "schedule": [{"type": "constant"}, {"type": "exponential_decay", "decay_steps": 100, "decay_rate": 0.5}]}
})";
}
// About 0.2 s of work in Release on 2 cores (each trial a few tens of milliseconds).
const std::string crash_spec = sweep_spec(10000);
// About a second in Release: long enough for a few readers to query it while it runs.
const std::string long_spec = sweep_spec(50000);

// Completed trials in a database a sweep is writing; -1 while there is no database or no trials
// table yet (or the reader could not get in at that instant).
int completed_so_far(const fs::path& db) {
  if (!fs::exists(db)) return -1;
  try {
    return std::stoi(sql1(db, "SELECT count(*) FROM trials WHERE status = 'completed'"));
  } catch (const std::exception&) {
    return -1;
  }
}

// Start `lrlab run` in `dir` and send it `signal` as soon as `moment()` holds (polled every 2 ms),
// unless it ends first. Returns its exit code, or 128 + the signal that killed it.
int run_and_signal(const fs::path& dir, const std::string& db, int signal, const std::function<bool()>& moment) {
  const pid_t pid = spawn_lrlab(dir, {"run", "spec.json", "--jobs", "2", "-q", "--db", db}, "/dev/null", "run.err");
  return wait_lrlab(pid, moment, signal).rc;
}

// A moment a fixed time after the start (which may come before the database exists).
std::function<bool()> after(double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  return [deadline] { return std::chrono::steady_clock::now() >= deadline; };
}

// The moment the sweep has completed at least `n` trials (n = 0: its trials table exists).
std::function<bool()> when_completed(const fs::path& db, int n) {
  return [db, n] { return completed_so_far(db) >= n; };
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
                        Contains("trial 2 failed: faulty task: deliberate failure at step 12"));
  CHECK(sql1(dir / "f.db", "SELECT group_concat(status) FROM (SELECT status FROM trials ORDER BY trial_index)") ==
        "completed,failed,completed");
  // The number in the message is the trial_id every other command takes.
  CHECK(sql1(dir / "f.db", "SELECT status FROM trials WHERE trial_id = 2") == "failed");
  r = run_lrlab({"verify", "f.db", "--trial", "2", "--plugin-dir", LRLAB_TEST_PLUGINS}, dir);
  CHECK_THAT(r.out + r.err, Contains("trial 2") && !Contains("no trial with trial_id"));
  CHECK(sql1(dir / "f.db", "SELECT steps_done || ' ' || error FROM trials WHERE trial_index = 1") ==
        "12 faulty task: deliberate failure at step 12");
  CHECK(sql1(dir / "f.db", "SELECT count(*) FROM steps WHERE trial_id IN (SELECT trial_id FROM trials WHERE trial_index != 1)") == "60");
}

TEST_CASE("kill -9 at several moments, then a rerun: the same content as an uninterrupted run", "[e2e][crash]") {
  const fs::path dir = temp_dir("crash");
  write_file(dir / "spec.json", crash_spec);
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "2", "--db", "ref.db"}, dir).rc == 0);
  const std::string reference = db_content(dir / "ref.db");
  REQUIRE(sql1(dir / "ref.db", "SELECT count(*) FROM trials WHERE status = 'completed'") == "24");

  // Just after the start (maybe before the database exists), once the trials table exists, after
  // the first completed trial, and half-way.
  const std::vector<std::pair<std::string, int>> moments = {
      {"k_start.db", -1}, {"k_planned.db", 0}, {"k_first.db", 1}, {"k_half.db", 12}};
  int interrupted_mid_sweep = 0;
  for (const auto& [db, completed] : moments) {
    INFO("killed at " << db);
    const int rc = run_and_signal(dir, db, SIGKILL, completed < 0 ? after(0.05) : when_completed(dir / db, completed));
    if (fs::exists(dir / db) && sql1(dir / db, "SELECT count(*) FROM sqlite_master WHERE name = 'trials'") == "1") {
      // What a kill leaves opens, and every completed trial in it is whole.
      CHECK(sql1(dir / db, "PRAGMA integrity_check") == "ok");
      CHECK(sql1(dir / db, "SELECT count(*) FROM trials t WHERE status = 'completed' AND "
                           "(SELECT count(*) FROM steps s WHERE s.trial_id = t.trial_id) != 400") == "0");
      if (rc != 0 && sql1(dir / db, "SELECT count(*) FROM trials WHERE status = 'completed'") != "24") ++interrupted_mid_sweep;
    }
    auto r = run_lrlab({"run", "spec.json", "--jobs", "2", "--db", db}, dir);
    CHECK(r.rc == 0);
    CHECK(db_content(dir / db) == reference);
  }
  CHECK(interrupted_mid_sweep >= 2);
}

TEST_CASE("SIGTERM or SIGHUP stops cleanly: exit 130, nothing left running, a rerun completes identically", "[e2e][crash]") {
  // SIGHUP (a closed terminal or ssh session) once killed the run with no summary and an open
  // runs row (issue 24, point 10): it stops the sweep as SIGTERM does.
  const int signal = GENERATE(SIGTERM, SIGHUP);
  INFO("signal " << signal);
  const fs::path dir = temp_dir("sigterm");
  write_file(dir / "spec.json", crash_spec);
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "2", "--db", "ref.db"}, dir).rc == 0);
  // After the first trial: the others are running or waiting, so the sweep must stop early.
  const int rc = run_and_signal(dir, "t.db", signal, when_completed(dir / "t.db", 1));
  CHECK(rc == 130);
  INFO(read_file(dir / "run.err"));
  CHECK_THAT(read_file(dir / "run.err"), Contains("lrlab: long: "));  // the summary line
  CHECK(sql1(dir / "t.db", "SELECT count(*) FROM runs WHERE ended_at IS NULL") == "0");
  CHECK(sql1(dir / "t.db", "SELECT count(*) FROM trials WHERE status = 'running'") == "0");
  CHECK(sql1(dir / "t.db", "SELECT count(*) FROM steps s JOIN trials t USING(trial_id) WHERE t.status = 'pending'") == "0");
  CHECK(sql1(dir / "t.db", "SELECT exit_status FROM runs") == "130");
  CHECK(sql1(dir / "t.db", "SELECT count(*) FROM trials WHERE status = 'completed'") != "24");
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "2", "--db", "t.db"}, dir).rc == 0);
  CHECK(db_content(dir / "t.db") == db_content(dir / "ref.db"));
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

TEST_CASE("kill -9 inside long trials with checkpoints: the rerun continues from them, bit-identical", "[e2e][crash][checkpoint]") {
  // Two trials of 6000 updates, a checkpoint every 200: killed once both have passed update 1000,
  // they resume from their last checkpoint, so an interruption costs at most 200 updates each.
  // (5000 updates, over a second, between the moment and the end: with 3000 a loaded machine once
  // let the sweep finish before the test looked.)
  const fs::path dir = temp_dir("checkpoint_kill");
  const std::string spec = R"({
    "name": "long_trials", "seed": 3, "repeats": 2,
    "task": {"type": "noisy_quadratic", "dimension": 20000, "batch_size": 8, "steps_per_epoch": 100},
    "optimizer": {"learning_rate": 0.01},
    "policies": [{"type": "reduce_on_plateau", "factor": 0.5, "patience": 2}],
    "budget": {"steps": 6000}, "evaluate": {"every_steps": 50},
    "checkpoint": {"every_steps": 200}})";
  write_file(dir / "spec.json", spec);
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "2", "--db", "ref.db"}, dir).rc == 0);
  CHECK(sql1(dir / "ref.db", "SELECT count(*) FROM checkpoints") == "0");  // dropped once a trial finishes

  const fs::path db = dir / "k.db";
  auto both_past = [&] {
    try {
      return fs::exists(db) && sql1(db, "SELECT count(*) FROM checkpoints WHERE steps_done >= 1000") == "2";
    } catch (const std::exception&) {
      return false;
    }
  };
  REQUIRE(run_and_signal(dir, "k.db", SIGKILL, both_past) == 128 + SIGKILL);
  REQUIRE(sql1(db, "SELECT count(*) FROM trials WHERE status = 'completed'") == "0");
  for (const auto& row : sql(db, "SELECT c.steps_done, (SELECT max(step) FROM steps s WHERE s.trial_id = c.trial_id) "
                                 "FROM checkpoints c")) {
    const long checkpoint = std::stol(row[0]), last_row = std::stol(row[1]);
    INFO("checkpoint at " << checkpoint << ", rows up to step " << last_row);
    CHECK(checkpoint >= 1000);
    CHECK(checkpoint % 200 == 0);
    CHECK(last_row < checkpoint + 200);  // what the kill can cost: less than one checkpoint period
  }
  auto r = run_lrlab({"run", "spec.json", "--jobs", "2", "--db", "k.db"}, dir);
  CHECK(r.rc == 0);
  CHECK_THAT(r.err, Contains("2 continued from checkpoints"));
  CHECK(db_content(db) == db_content(dir / "ref.db"));
  CHECK(sql1(db, "SELECT count(*) FROM checkpoints") == "0");
  CHECK(run_lrlab({"verify", "k.db"}, dir).rc == 0);
}

TEST_CASE("SIGTERM with checkpoints: each running trial keeps where it got to, the rerun is bit-identical", "[e2e][crash][checkpoint]") {
  const fs::path dir = temp_dir("checkpoint_term");
  write_file(dir / "spec.json", R"({
    "name": "long_trials", "seed": 3,
    "task": {"type": "noisy_quadratic", "dimension": 20000, "batch_size": 8, "steps_per_epoch": 100},
    "budget": {"steps": 3000}, "evaluate": {"every_steps": 50},
    "checkpoint": {"every_steps": 1000}})");
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "1", "--db", "ref.db"}, dir).rc == 0);
  const fs::path db = dir / "t.db";
  auto has_rows = [&] {
    try {
      return fs::exists(db) && std::stol(sql1(db, "SELECT count(*) FROM checkpoints")) >= 1;
    } catch (const std::exception&) {
      return false;
    }
  };
  REQUIRE(run_and_signal(dir, "t.db", SIGTERM, has_rows) == 130);
  // Stopped between checkpoints, it saved one more where it stopped.
  const long at = std::stol(sql1(db, "SELECT steps_done FROM checkpoints"));
  CHECK(at >= 1000);
  CHECK(sql1(db, "SELECT status FROM trials") == "pending");
  CHECK(sql1(db, "SELECT max(step) + 1 FROM steps") == std::to_string(at));
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "1", "--db", "t.db"}, dir).rc == 0);
  CHECK(db_content(db) == db_content(dir / "ref.db"));
}

TEST_CASE("a full disk stops the sweep at the first failed write: exit 3, what was committed kept, a rerun completes",
          "[e2e][disk]") {
  // The file size limit (RLIMIT_FSIZE, with SIGXFSZ ignored) makes every write past 256 KiB fail
  // as a full disk does: SQLite reports "database or disk is full" for the database or its WAL.
  const fs::path dir = temp_dir("disk_full");
  write_file(dir / "spec.json", crash_spec);
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "2", "--db", "ref.db"}, dir).rc == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int out = open("/dev/null", O_WRONLY);
    const int err = open((dir / "run.err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    struct rlimit limit {256 * 1024, 256 * 1024};
    signal(SIGXFSZ, SIG_IGN);
    if (chdir(dir.c_str()) != 0 || out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0 ||
        setrlimit(RLIMIT_FSIZE, &limit) != 0)
      _exit(127);
    execl(LRLAB_BIN, LRLAB_BIN, "run", "spec.json", "--jobs", "2", "-q", "--db", "full.db", static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  const std::string err = read_file(dir / "run.err");
  INFO(err);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 3);
  CHECK_THAT(err, Contains("could not write full.db: ") && Contains("The sweep stopped at the first failure") &&
                      Contains("rerun the same command"));
  // What the database holds, as the message says it (the tally counts trials whose rows were lost).
  CHECK_THAT(err, Contains("the database holds " + sql1(dir / "full.db", "SELECT count(*) FROM trials WHERE status = "
                                                                          "'completed'") + " of the 24 trials finished"));
  // It stopped at once: trials were left unrun (on today's main every trial ran and was thrown away).
  const auto at = err.find(" were not run");
  REQUIRE(at != std::string::npos);
  const auto from = err.rfind(", ", at);
  CHECK(std::stol(err.substr(from + 2, at - from - 2)) > 0);
  CHECK(sql1(dir / "full.db", "PRAGMA integrity_check") == "ok");
  CHECK(sql1(dir / "full.db", "SELECT count(*) FROM trials t WHERE status = 'completed' AND "
                              "(SELECT count(*) FROM steps s WHERE s.trial_id = t.trial_id) != 400") == "0");
  // With room again, the same command resumes and completes, bit-identical.
  const auto r = run_lrlab({"run", "spec.json", "--jobs", "2", "--db", "full.db"}, dir);
  CHECK(r.rc == 0);
  CHECK(db_content(dir / "full.db") == db_content(dir / "ref.db"));
}

TEST_CASE("isolate: a trial that crashes its process fails alone, with the signal, the others complete", "[e2e][isolate]") {
  const fs::path dir = temp_dir("isolate_crash");
  write_file(dir / "spec.json", R"({"name": "c", "task": {"type": "faulty"}, "budget": {"steps": 30},
    "grid": {"task.crash_at_step": [-1, 12, -1, -1]}})");
  auto r = run_lrlab({"run", "spec.json", "--db", "c.db", "--isolate", "--jobs", "2", "--plugin-dir", LRLAB_TEST_PLUGINS}, dir);
  INFO(r.err);
  CHECK(r.rc == 1);
  CHECK_THAT(r.err, Contains("3 completed") && Contains("1 failed") &&
                        Contains("trial 2 failed: the trial crashed: its process was killed by signal 11"));
  CHECK(sql1(dir / "c.db", "SELECT group_concat(status) FROM (SELECT status FROM trials ORDER BY trial_index)") ==
        "completed,failed,completed,completed");
  CHECK(sql1(dir / "c.db", "SELECT count(*) FROM steps s JOIN trials t USING(trial_id) WHERE t.status = 'completed'") == "90");
  // The same spec in one process: the crash takes the whole sweep down (why --isolate exists).
  r = run_lrlab({"run", "spec.json", "--db", "one.db", "--jobs", "1", "--plugin-dir", LRLAB_TEST_PLUGINS}, dir);
  CHECK(r.rc != 0);
  CHECK(r.rc != 1);
}

TEST_CASE("isolate: --isolate gives the same database as threads, checkpoints and resume included", "[e2e][isolate]") {
  const fs::path dir = temp_dir("isolate_same");
  write_file(dir / "spec.json", crash_spec);
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "2", "--db", "threads.db"}, dir).rc == 0);
  const auto r = run_lrlab({"run", "spec.json", "--jobs", "2", "--db", "processes.db", "--isolate"}, dir);
  INFO(r.err);
  CHECK(r.rc == 0);
  CHECK(db_content(dir / "processes.db") == db_content(dir / "threads.db"));
  // Killed half-way and resumed in worker processes: still the same.
  const int rc = run_and_signal(dir, "k.db", SIGKILL, when_completed(dir / "k.db", 6));
  (void)rc;
  CHECK(run_lrlab({"run", "spec.json", "--jobs", "2", "--db", "k.db", "--isolate"}, dir).rc == 0);
  CHECK(db_content(dir / "k.db") == db_content(dir / "threads.db"));
}
