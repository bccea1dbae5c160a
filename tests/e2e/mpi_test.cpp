// The sweep across MPI ranks, on one machine: `mpirun -np 3 lrlab run` stores what
// `lrlab run --jobs 2` stores, bit for bit; a worker killed mid-sweep or a SIGTERM loses only the
// trials in flight, and a rerun (with MPI or without) completes exactly those. Skipped (reported
// as skipped by CTest) in a build without the MPI runner.
#include <catch2/catch.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <set>
#include <thread>

#include "support/cli.hpp"
#include "support/db_content.hpp"
#include "support/two_class_csv.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

// 3 rates x 2 schedules x 2 repeats on a noisy quadratic, with a plateau policy (events) and
// early stopping; the largest rate diverges. Trials of different lengths and outcomes.
const char* small_spec = R"({
  "name": "mpi_small", "seed": 13, "repeats": 2,
  "task": {"type": "quadratic", "dimension": 6, "condition_number": 50, "noise_std": 0.5, "steps_per_epoch": 10},
  "policies": [{"type": "reduce_on_plateau", "factor": 0.5, "patience": 1},
               {"type": "early_stopping", "patience": 4, "restore_best": true}],
  "budget": {"epochs": 30},
  "evaluate": {"every_epochs": 1},
  "grid": {"optimizer.learning_rate": [0.003, 0.1, 1e200],
           "schedule": [{"type": "constant"}, {"type": "cosine_decay", "decay_steps": 200}]}
})";

// 36 trials of 600 updates over 50,000 parameters: a few seconds on 2 cores, so that a kill
// lands in the middle of the sweep.
const char* mpi_long_spec = R"({
  "name": "mpi_long", "seed": 5, "repeats": 3,
  "task": {"type": "quadratic", "dimension": 50000, "condition_number": 100, "steps_per_epoch": 50},
  "budget": {"steps": 600},
  "evaluate": {"every_steps": 100},
  "grid": {"optimizer.learning_rate": [0.001, 0.003, 0.01, 0.03, 0.1, 0.3],
           "schedule": [{"type": "constant"}, {"type": "exponential_decay", "decay_steps": 100, "decay_rate": 0.5}]}
})";

bool skipped() {
  if (std::string(LRLAB_MPIEXEC).empty()) {
    std::cout << "lrlab-test: skipped: this build has no MPI runner (LRLAB_MPI=OFF, or no mpirun)\n";
    return true;
  }
  return false;
}

// The mpirun command line for `np` ranks of lrlab. --allow-run-as-root: CI containers run as root
// (harmless otherwise); --oversubscribe: more ranks than cores.
std::vector<std::string> mpirun(int np, const std::vector<std::string>& args) {
  std::vector<std::string> v = {LRLAB_MPIEXEC, "--allow-run-as-root", "--oversubscribe", "-np", std::to_string(np), LRLAB_BIN};
  v.insert(v.end(), args.begin(), args.end());
  return v;
}

// Containers often forbid the cross-memory attach Open MPI's shared-memory transport uses by
// default; copying through shared memory works everywhere.
void quiet_mpi_environment() { setenv("OMPI_MCA_btl_vader_single_copy_mechanism", "none", 0); }

// Run a command in `dir`, wait for it; exit code and output.
CliResult run_in(const fs::path& dir, const std::vector<std::string>& argv) {
  quiet_mpi_environment();
  std::string cmd = "cd " + shell_quote(dir.string()) + " &&";
  for (const auto& a : argv) cmd += " " + shell_quote(a);
  cmd += " >cmd.out 2>cmd.err";
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(dir / "cmd.out"), read_file(dir / "cmd.err")};
}

// A command started in the background in `dir` (output to bg.out, bg.err).
pid_t start_in(const fs::path& dir, const std::vector<std::string>& argv) {
  quiet_mpi_environment();
  std::fflush(nullptr);  // or the child would write the parent's buffered output again
  const pid_t pid = fork();
  if (pid == 0) {
    if (chdir(dir.c_str()) != 0) _exit(127);
    if (!freopen("bg.out", "w", stdout) || !freopen("bg.err", "w", stderr)) _exit(127);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

// Wait for `pid` at most `seconds`; its exit code, 128 + signal, or -1 when it had to be killed.
int wait_for(pid_t pid, double seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > end) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The process of MPI rank `rank` among the children of `mpirun_pid` (0 if not found yet).
pid_t rank_pid(pid_t mpirun_pid, int rank) {
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string stat = read_file(e.path() / "stat");
    const auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream in(stat.substr(close + 2));
    std::string state;
    pid_t ppid = 0;
    in >> state >> ppid;
    if (ppid != mpirun_pid) continue;
    const std::string env = read_file(e.path() / "environ");
    if (env.find(std::string("OMPI_COMM_WORLD_RANK=") + std::to_string(rank) + '\0') != std::string::npos)
      return static_cast<pid_t>(std::stol(name));
  }
  return 0;
}

// The value of a count query, 0 while the database or its tables do not exist yet.
long count_of(const fs::path& db, const std::string& query) {
  try {
    return fs::exists(db) ? std::stol(sql1(db, query)) : 0;
  } catch (const std::exception&) {
    return 0;
  }
}

// Wait until `db` has at least `n` completed trials (at most `seconds`); the completed trials.
std::set<std::string> wait_completed(const fs::path& db, long n, double seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (count_of(db, "SELECT count(*) FROM trials WHERE status = 'completed'") < n && std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::set<std::string> done;
  for (const auto& row : sql(db, "SELECT trial_index || ':' || run_id FROM trials WHERE status = 'completed'")) done.insert(row[0]);
  return done;
}

std::set<std::string> completed_now(const fs::path& db) {
  std::set<std::string> done;
  for (const auto& row : sql(db, "SELECT trial_index || ':' || run_id FROM trials WHERE status = 'completed'")) done.insert(row[0]);
  return done;
}

bool includes(const std::set<std::string>& big, const std::set<std::string>& small) {
  return std::includes(big.begin(), big.end(), small.begin(), small.end());
}

}  // namespace

TEST_CASE("mpirun -np 3 stores the same rows as --jobs 2, with each trial's rank and host", "[e2e][mpi]") {
  if (skipped()) return;
  const fs::path dir = temp_dir("mpi");
  write_file(dir / "spec.json", small_spec);
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "2", "-q", "--db", "ref.db"}, dir).rc == 0);
  REQUIRE(sql1(dir / "ref.db", "SELECT count(*) FROM trials WHERE status = 'diverged'") == "4");
  REQUIRE(sql1(dir / "ref.db", "SELECT count(*) FROM trials WHERE status = 'stopped_early'") != "0");
  REQUIRE(sql1(dir / "ref.db", "SELECT count(*) FROM events") != "0");

  auto r = run_in(dir, mpirun(3, {"run", "spec.json", "--jobs", "1", "-q", "--db", "mpi.db"}));
  INFO(r.err);
  REQUIRE(r.rc == 0);
  CHECK(db_content(dir / "mpi.db") == db_content(dir / "ref.db"));
  // Only rank 0 speaks: one summary line, which names the ranks.
  CHECK_THAT(r.err, Contains("12 trials in") && Contains("on 3 MPI ranks"));
  CHECK(r.err.find("lrlab: mpi_small:") == r.err.rfind("lrlab: mpi_small:"));

  // Provenance: the run's rank count, each trial's rank and host. With --jobs 1, rank 0 only
  // writes and each worker starts with a trial.
  const fs::path db = dir / "mpi.db";
  CHECK(sql1(db, "SELECT mpi_ranks || ' ' || threads || ' ' || exit_status FROM runs") == "3 1 0");
  CHECK(sql1(db, "SELECT group_concat(rank) FROM (SELECT DISTINCT rank FROM trials ORDER BY rank)") == "1,2");
  CHECK(sql1(db, "SELECT count(*) FROM trials WHERE host IS NULL OR host = '' OR run_id != 1") == "0");
  CHECK(sql1(db, "SELECT count(DISTINCT host) FROM trials") == "1");

  // With --jobs 2 rank 0 runs trials too (on one thread): the same rows again.
  r = run_in(dir, mpirun(3, {"run", "spec.json", "--jobs", "2", "-q", "--db", "mpi2.db"}));
  CHECK(r.rc == 0);
  CHECK(db_content(dir / "mpi2.db") == db_content(dir / "ref.db"));
  CHECK(sql1(dir / "mpi2.db", "SELECT group_concat(rank) FROM (SELECT DISTINCT rank FROM trials ORDER BY rank)") == "0,1,2");

  // Nothing left to do: a rerun under MPI resumes, runs nothing, changes nothing.
  r = run_in(dir, mpirun(3, {"run", "spec.json", "--jobs", "1", "-q", "--db", "mpi.db"}));
  CHECK(r.rc == 0);
  CHECK_THAT(r.err, Contains("0 trials in") && Contains("resumed with 12 already done"));
  CHECK(db_content(db) == db_content(dir / "ref.db"));
  CHECK(sql1(db, "SELECT count(*) FROM runs") == "2");
}

TEST_CASE("under mpirun a bad spec exits 2, says so once, and writes nothing", "[e2e][mpi][errors]") {
  if (skipped()) return;
  const fs::path dir = temp_dir("mpi-bad");
  write_file(dir / "spec.json", R"({"name": "bad", "task": {"type": "quadratic", "dimension": 3},
    "budget": {"steps": 10}, "schedule": {"type": "cosine_decay", "decay_step": 10}})");
  const auto r = run_in(dir, mpirun(3, {"run", "spec.json", "--db", "bad.db"}));
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("/schedule/decay_step"));
  CHECK(r.err.find("/schedule/decay_step") == r.err.rfind("/schedule/decay_step"));
  CHECK_FALSE(fs::exists(dir / "bad.db"));
}

TEST_CASE("a worker killed mid-sweep: every trial finished before is kept, a rerun completes the rest identically",
          "[e2e][mpi][crash]") {
  if (skipped()) return;
  const fs::path dir = temp_dir("mpi-kill");
  write_file(dir / "spec.json", mpi_long_spec);
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "2", "-q", "--db", "ref.db"}, dir).rc == 0);
  const std::string reference = db_content(dir / "ref.db");

  const pid_t mpirun_pid = start_in(dir, mpirun(3, {"run", "spec.json", "--jobs", "1", "-q", "--db", "k.db"}));
  const auto before = wait_completed(dir / "k.db", 4, 60);
  const pid_t worker = rank_pid(mpirun_pid, 1);
  REQUIRE(worker > 0);
  kill(worker, SIGKILL);
  // Open MPI ends the job when a rank dies; rank 0 must not hang, and gets SIGTERM then SIGKILL.
  const int rc = wait_for(mpirun_pid, 60);
  INFO(read_file(dir / "bg.err"));
  REQUIRE(rc != -1);
  CHECK(rc != 0);

  const fs::path db = dir / "k.db";
  CHECK(sql1(db, "PRAGMA integrity_check") == "ok");
  const auto after = completed_now(db);
  CHECK(includes(after, before));  // nothing that had finished was lost
  CHECK(sql1(db, "SELECT count(*) FROM trials t WHERE status = 'completed' AND "
                 "(SELECT count(*) FROM steps s WHERE s.trial_id = t.trial_id) != 600") == "0");
  if (after.size() == 36) WARN("the sweep finished before the worker was killed");
  // When rank 0 had time to finish before the launcher's SIGKILL (Open MPI gives it 1 s), the dead
  // rank's trial is back to pending and the run is marked interrupted.
  if (read_file(dir / "bg.err").find("lrlab: mpi_long: ") != std::string::npos) {
    CHECK(sql1(db, "SELECT count(*) FROM trials WHERE status = 'running'") == "0");
    CHECK(sql1(db, "SELECT exit_status FROM runs") == "130");
  }

  // A rerun under MPI completes only the missing trials: those kept are untouched (run 1).
  const auto r = run_in(dir, mpirun(3, {"run", "spec.json", "--jobs", "1", "-q", "--db", "k.db"}));
  INFO(r.err);
  CHECK(r.rc == 0);
  CHECK_THAT(r.err, Contains("resumed with " + std::to_string(after.size()) + " already done"));
  CHECK(includes(completed_now(db), after));
  CHECK(db_content(db) == reference);
  CHECK(sql1(db, "SELECT count(*) FROM trials WHERE status = 'completed'") == "36");
}

TEST_CASE("SIGTERM to mpirun stops every rank: what finished is kept, a rerun without MPI completes it identically",
          "[e2e][mpi][crash]") {
  if (skipped()) return;
  const fs::path dir = temp_dir("mpi-term");
  write_file(dir / "spec.json", mpi_long_spec);
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "2", "-q", "--db", "ref.db"}, dir).rc == 0);

  const pid_t mpirun_pid = start_in(dir, mpirun(3, {"run", "spec.json", "--jobs", "1", "-q", "--db", "t.db"}));
  const auto before = wait_completed(dir / "t.db", 4, 60);
  kill(mpirun_pid, SIGTERM);
  const int rc = wait_for(mpirun_pid, 60);
  INFO(read_file(dir / "bg.err"));
  REQUIRE(rc != -1);
  const fs::path db = dir / "t.db";
  const auto after = completed_now(db);
  CHECK(includes(after, before));
  if (after.size() < 36) CHECK(rc != 0);

  const auto r = run_lrlab({"run", "spec.json", "--jobs", "2", "-q", "--db", "t.db"}, dir);
  INFO(r.err);
  CHECK(r.rc == 0);
  CHECK(includes(completed_now(db), after));
  CHECK(db_content(db) == db_content(dir / "ref.db"));
}

TEST_CASE("SIGTERM to rank 0 alone stops the workers too: exit 130, nothing left running, a rerun completes",
          "[e2e][mpi][crash]") {
  if (skipped()) return;
  const fs::path dir = temp_dir("mpi-term0");
  write_file(dir / "spec.json", mpi_long_spec);
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "2", "-q", "--db", "ref.db"}, dir).rc == 0);

  const pid_t mpirun_pid = start_in(dir, mpirun(3, {"run", "spec.json", "--jobs", "2", "-q", "--db", "t.db"}));
  const auto before = wait_completed(dir / "t.db", 4, 60);
  const pid_t root = rank_pid(mpirun_pid, 0);
  REQUIRE(root > 0);
  kill(root, SIGTERM);
  const int rc = wait_for(mpirun_pid, 60);
  INFO(read_file(dir / "bg.err"));
  const fs::path db = dir / "t.db";
  const auto after = completed_now(db);
  CHECK(includes(after, before));
  if (after.size() < 36) {
    CHECK(rc == 130);
    CHECK(sql1(db, "SELECT exit_status FROM runs") == "130");
    CHECK(sql1(db, "SELECT count(*) FROM trials WHERE status = 'running'") == "0");
    CHECK(sql1(db, "SELECT count(*) FROM steps s JOIN trials t USING(trial_id) WHERE t.status = 'pending'") == "0");
  } else {
    WARN("the sweep finished before SIGTERM arrived");
  }
  const auto r = run_in(dir, mpirun(2, {"run", "spec.json", "--jobs", "2", "-q", "--db", "t.db"}));
  CHECK(r.rc == 0);
  CHECK(db_content(db) == db_content(dir / "ref.db"));
}

TEST_CASE("a worker that falls silent is given up after LRLAB_MPI_TIMEOUT: the others finish, a rerun completes",
          "[e2e][mpi][crash]") {
  if (skipped()) return;
  const fs::path dir = temp_dir("mpi-silent");
  write_file(dir / "spec.json", mpi_long_spec);
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "2", "-q", "--db", "ref.db"}, dir).rc == 0);

  setenv("LRLAB_MPI_TIMEOUT", "3", 1);
  const pid_t mpirun_pid = start_in(dir, mpirun(3, {"run", "spec.json", "--jobs", "1", "-q", "--db", "s.db"}));
  unsetenv("LRLAB_MPI_TIMEOUT");
  wait_completed(dir / "s.db", 4, 60);
  const pid_t worker = rank_pid(mpirun_pid, 2);
  REQUIRE(worker > 0);
  kill(worker, SIGSTOP);  // alive but silent, as a hung node would be
  const int rc = wait_for(mpirun_pid, 120);
  const std::string err = read_file(dir / "bg.err");
  INFO(err);
  REQUIRE(rc != -1);
  const fs::path db = dir / "s.db";
  const long done = count_of(db, "SELECT count(*) FROM trials WHERE status = 'completed'");
  if (done < 36) {
    CHECK(rc == 130);
    CHECK_THAT(err, Contains("rank 2") && Contains("given up"));
    // The others ran every trial but the silent rank's: its trials are pending again, nothing else is.
    CHECK(count_of(db, "SELECT count(*) FROM trials WHERE status != 'completed'") <= 1);
    CHECK(sql1(db, "SELECT count(*) FROM trials WHERE status = 'running'") == "0");
  } else {
    WARN("the sweep finished before the worker was stopped");
  }
  const auto r = run_lrlab({"run", "spec.json", "--jobs", "2", "-q", "--db", "s.db"}, dir);
  CHECK(r.rc == 0);
  CHECK(db_content(db) == db_content(dir / "ref.db"));
}

TEST_CASE("ranks whose data files differ: exit 2 naming the rank, the file and both hashes, the same bytes run",
          "[e2e][mpi][inputs]") {
  if (skipped()) return;
  // Two ranks started in two folders (MPMD, -wdir): the spec's relative data path names a file in
  // each, as the same path on two hosts names each host's copy.
  const fs::path dir = temp_dir("mpi-data");
  const char* spec = R"({"name": "mpi_data", "seed": 4, "repeats": 2,
    "task": {"type": "logistic_regression", "data": "data.csv", "batch_size": 8},
    "budget": {"epochs": 2}, "grid": {"optimizer.learning_rate": [0.01, 0.1]}})";
  for (const char* sub : {"a", "b"}) {
    fs::create_directory(dir / sub);
    write_file(dir / sub / "spec.json", spec);
  }
  write_file(dir / "a" / "data.csv", two_class_csv(1));
  write_file(dir / "b" / "data.csv", two_class_csv(2));
  const std::string db = (dir / "m.db").string();
  const std::vector<std::string> run = {LRLAB_BIN, "run", "spec.json", "--jobs", "1", "-q", "--db", db};
  std::vector<std::string> argv = {LRLAB_MPIEXEC, "--allow-run-as-root", "--oversubscribe", "-np", "1", "-wdir",
                                   (dir / "a").string()};
  argv.insert(argv.end(), run.begin(), run.end());
  const std::vector<std::string> second = {":", "-np", "1", "-wdir", (dir / "b").string()};
  argv.insert(argv.end(), second.begin(), second.end());
  argv.insert(argv.end(), run.begin(), run.end());

  auto r = run_in(dir, argv);
  INFO(r.err);
  CHECK(r.rc == 2);
  const std::string a_sha = run_shell("sha256sum a/data.csv", dir).out.substr(0, 12);
  const std::string b_sha = run_shell("sha256sum b/data.csv", dir).out.substr(0, 12);
  CHECK_THAT(r.err, Contains("rank 1 (") && Contains("does not expand the experiment as rank 0 (") &&
                        Contains("data file data.csv: rank 0 (") &&
                        Contains(fs::canonical(dir / "a" / "data.csv").string() + " (sha256 " + a_sha + ")") &&
                        Contains(fs::canonical(dir / "b" / "data.csv").string() + " (sha256 " + b_sha + ")"));
  CHECK_FALSE(fs::exists(db));

  fs::copy_file(dir / "a" / "data.csv", dir / "b" / "data.csv", fs::copy_options::overwrite_existing);
  r = run_in(dir, argv);
  CHECK(r.rc == 0);
  CHECK(sql1(db, "SELECT count(*) FROM trials WHERE status = 'completed'") == "4");
}

TEST_CASE("a quasi-random search under mpirun -np 3 stores the same trials as --jobs 1, and grows the same way",
          "[e2e][mpi][search]") {
  if (skipped()) return;
  const fs::path dir = temp_dir("mpi_search");
  const auto spec = [](int trials) {
    return R"({"name": "mpi_search", "seed": 9, "repeats": 2,
      "task": {"type": "quadratic", "dimension": 6, "condition_number": 50, "noise_std": 0.5, "steps_per_epoch": 10},
      "budget": {"epochs": 10},
      "search": {"type": "quasi_random", "trials": )" + std::to_string(trials) + R"(, "space": {
        "optimizer.learning_rate": {"distribution": "log_uniform", "low": 1e-4, "high": 1},
        "schedule": {"distribution": "choice", "values": [{"type": "constant"},
          {"type": "cosine_decay", "decay_steps": {"distribution": "log_int_uniform", "low": 20, "high": 100}}]}}}})";
  };
  write_file(dir / "spec.json", spec(9));
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "1", "-q", "--db", "ref.db"}, dir).rc == 0);
  auto r = run_in(dir, mpirun(3, {"run", "spec.json", "--jobs", "1", "-q", "--db", "mpi.db"}));
  INFO(r.err);
  REQUIRE(r.rc == 0);
  CHECK(db_content(dir / "mpi.db") == db_content(dir / "ref.db"));
  CHECK(sql1(dir / "mpi.db", "SELECT group_concat(rank) FROM (SELECT DISTINCT rank FROM trials ORDER BY rank)") == "1,2");

  // Raised from 9 to 12 points under MPI: the 18 trials kept, 6 run, the same as a 12-point run.
  write_file(dir / "spec.json", spec(12));
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "1", "-q", "--db", "ref12.db"}, dir).rc == 0);
  r = run_in(dir, mpirun(3, {"run", "spec.json", "--jobs", "1", "--db", "mpi.db"}));
  CHECK(r.rc == 0);
  CHECK_THAT(r.err, Contains("/search/trials: 9 -> 12") && Contains("6 added") && Contains("6 trials in"));
  CHECK(db_content(dir / "mpi.db") == db_content(dir / "ref12.db"));
}

TEST_CASE("successive halving under mpirun -np 3 prunes the same trials as --jobs 2, bit for bit", "[e2e][mpi][pruning]") {
  if (skipped()) return;
  const fs::path dir = temp_dir("mpi_pruning");
  write_file(dir / "spec.json", R"({"name": "mpi_pruned", "seed": 5, "repeats": 2,
    "task": {"type": "quadratic", "dimension": 40, "condition_number": 30, "noise_std": 0.3, "steps_per_epoch": 10},
    "budget": {"steps": 270}, "evaluate": {"every_steps": 10},
    "grid": {"optimizer.learning_rate": [0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3]},
    "pruner": {"type": "successive_halving", "eta": 3, "min_steps": 10}})");
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "2", "-q", "--db", "ref.db"}, dir).rc == 0);
  const auto r = run_in(dir, mpirun(3, {"run", "spec.json", "--jobs", "1", "--db", "mpi.db"}));
  INFO(r.err);
  REQUIRE(r.rc == 0);
  CHECK_THAT(r.err, Contains("16 pruned"));
  CHECK(db_content(dir / "mpi.db") == db_content(dir / "ref.db"));
  CHECK(sql1(dir / "mpi.db", "SELECT count(*) FROM trials WHERE status = 'pruned'") == "16");
  CHECK(sql1(dir / "mpi.db", "SELECT group_concat(rank) FROM (SELECT DISTINCT rank FROM trials ORDER BY rank)") == "1,2");
}

TEST_CASE("population-based training under mpirun -np 3 keeps the lineage of --jobs 2, bit for bit", "[e2e][mpi][pbt]") {
  if (skipped()) return;
  const fs::path dir = temp_dir("mpi_pbt");
  // The copies are trials outside the plan: the ranks make them from what the work they are sent
  // carries (their values, repeat and seed), not from an index.
  write_file(dir / "spec.json", R"({"name": "mpi_pbt", "seed": 3,
    "task": {"type": "quadratic", "dimension": 40, "condition_number": 30, "noise_std": 0.3, "steps_per_epoch": 10},
    "budget": {"steps": 150}, "evaluate": {"every_steps": 10},
    "search": {"type": "pbt", "population": 6, "interval": 30,
               "mutations": {"optimizer.learning_rate": {"factors": [0.5, 2.0],
                 "resample": {"distribution": "log_uniform", "low": 0.001, "high": 1.0}}}}})");
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "2", "-q", "--db", "ref.db"}, dir).rc == 0);
  const auto r = run_in(dir, mpirun(3, {"run", "spec.json", "--jobs", "1", "--db", "mpi.db"}));
  INFO(r.err);
  REQUIRE(r.rc == 0);
  CHECK_THAT(r.err, Contains("8 replaced by PBT copies"));
  CHECK(db_content(dir / "mpi.db") == db_content(dir / "ref.db"));
  CHECK(sql1(dir / "mpi.db", "SELECT count(*) FROM lineage WHERE parent_trial_id IS NOT NULL") == "8");
  CHECK(sql1(dir / "mpi.db", "SELECT group_concat(rank) FROM (SELECT DISTINCT rank FROM trials ORDER BY rank)") == "1,2");
}
