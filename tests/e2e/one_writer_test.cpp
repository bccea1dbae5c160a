// One writer for real (issue 24, points 1 and 2): runs started together on the same database, new
// or existing, never corrupt it and never both write: one runs, the other is refused with the
// holder's pid, host and start time. Each case starts the processes together (released at once
// from a pipe) and repeats, since the old failures were races.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <thread>

#include "support/cli.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

// About half a second of work on a 2-core machine: long enough for two runs to overlap.
std::string spec(const std::string& name, double lr) {
  return R"({"name": ")" + name + R"(", "repeats": 4,
    "task": {"type": "noisy_quadratic", "dimension": 20000, "batch_size": 8, "steps_per_epoch": 100},
    "optimizer": {"learning_rate": )" + std::to_string(lr) + R"(}, "budget": {"steps": 300}, "evaluate": {"every_steps": 100}})";
}

struct Ended {
  int rc;
  std::string err;
};

// Start `lrlab run SPEC --db DB --jobs 1 -q` once per spec, all released together, in `dir`.
std::vector<Ended> run_together(const fs::path& dir, const std::vector<std::string>& specs, const std::string& db) {
  int gate[2];
  REQUIRE(pipe(gate) == 0);
  std::vector<pid_t> pids;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const std::string err_file = (dir / ("run" + std::to_string(i) + ".err")).string();
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {  // async-signal-safe calls only, until exec
      close(gate[1]);
      char c;
      while (read(gate[0], &c, 1) > 0) {
      }
      const int out = open("/dev/null", O_WRONLY);
      const int err = open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (chdir(dir.c_str()) != 0 || out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(127);
      execl(LRLAB_BIN, LRLAB_BIN, "run", specs[i].c_str(), "--jobs", "1", "-q", "--db", db.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    pids.push_back(pid);
  }
  close(gate[0]);
  close(gate[1]);  // every child reads end-of-file now: they start together
  std::vector<Ended> out;
  for (std::size_t i = 0; i < pids.size(); ++i) {
    int status = 0;
    waitpid(pids[i], &status, 0);
    out.push_back({WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
                   read_file(dir / ("run" + std::to_string(i) + ".err"))});
  }
  return out;
}

void check_one_ran(const fs::path& dir, const std::string& db, const std::vector<Ended>& ended, int& refusals) {
  int ok = 0;
  for (const auto& e : ended) {
    INFO(e.err);
    if (e.rc == 0) {
      ++ok;
    } else {
      CHECK(e.rc == 2);
      CHECK_THAT(e.err, Contains("is being written by another lrlab run (pid ") && Contains(" since ") &&
                            Contains("lrlab run "));
      ++refusals;
    }
  }
  CHECK(ok >= 1);
  CHECK(sql1(dir / db, "PRAGMA integrity_check") == "ok");
  // Every experiment in the file is one that a run reported done, whole.
  CHECK(sql1(dir / db, "SELECT count(*) FROM experiments") == std::to_string(ok));
  CHECK(sql1(dir / db, "SELECT count(*) FROM trials WHERE status != 'completed'") == "0");
  CHECK(sql1(dir / db, "SELECT count(*) FROM runs WHERE exit_status IS NULL OR exit_status != 0") == "0");
  CHECK_FALSE(fs::exists(dir / (db + ".lock")));  // released and removed at the end
}

}  // namespace

TEST_CASE("one writer: two runs creating the same new database together: one runs, one is refused, the file is whole",
          "[e2e][concurrency][lock]") {
  const fs::path dir = temp_dir("one_writer_new");
  write_file(dir / "a.json", spec("a", 0.01));
  write_file(dir / "b.json", spec("b", 0.02));
  int refusals = 0;
  for (int i = 0; i < 5; ++i) {
    const std::string db = "x" + std::to_string(i) + ".db";
    check_one_ran(dir, db, run_together(dir, {"a.json", "b.json"}, db), refusals);
  }
  CHECK(refusals >= 3);  // the runs overlapped (both would have run on today's main)
}

TEST_CASE("one writer: the same spec started twice on an existing database: no duplicate experiment, no UNIQUE error",
          "[e2e][concurrency][lock]") {
  const fs::path dir = temp_dir("one_writer_existing");
  write_file(dir / "a.json", spec("a", 0.01));
  write_file(dir / "other.json", spec("other", 0.01));
  int refusals = 0;
  for (int i = 0; i < 4; ++i) {
    const std::string db = "y" + std::to_string(i) + ".db";
    REQUIRE(run_lrlab({"run", "other.json", "--db", db, "-q"}, dir).rc == 0);  // the database exists
    const auto ended = run_together(dir, {"a.json", "a.json"}, db);
    for (const auto& e : ended) CHECK_THAT(e.err, !Contains("UNIQUE"));
    int ok = 0;
    for (const auto& e : ended) ok += e.rc == 0;
    CHECK(sql1(dir / db, "SELECT count(*) FROM experiments WHERE name = 'a'") == "1");
    CHECK(sql1(dir / db, "SELECT count(*) FROM trials WHERE status != 'completed'") == "0");
    CHECK(sql1(dir / db, "PRAGMA integrity_check") == "ok");
    refusals += 2 - ok;
  }
  CHECK(refusals >= 2);
}

TEST_CASE("one writer: a lock file left by a dead process does not block the next run", "[e2e][lock]") {
  const fs::path dir = temp_dir("one_writer_stale");
  write_file(dir / "a.json", spec("a", 0.01));
  // What a killed run leaves: the file, with its holder's words, but no lock (the kernel dropped it).
  write_file(dir / "z.db.lock", "pid 999999 on elsewhere, since 2026-01-01T00:00:00Z: lrlab run a.json\n");
  const auto r = run_lrlab({"run", "a.json", "--db", "z.db", "-q"}, dir);
  CHECK(r.rc == 0);
  CHECK_FALSE(fs::exists(dir / "z.db.lock"));
}
