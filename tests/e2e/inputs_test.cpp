// A resume checks its inputs (issue 24, point 3): the content of every data file a task read, every
// plugin library the trials use and the build's numerics are recorded with the experiment
// (experiment_inputs); a resume with any of them changed exits 2 saying what changed, where a
// resume used to mix trials made from different inputs. The MPI case is in mpi_test.cpp.
#include <catch2/catch.hpp>

#include <set>

#include "support/cli.hpp"
#include "support/db_content.hpp"
#include "support/two_class_csv.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

// 3 rates x 2 repeats of logistic regression on data.csv, next to the spec.
const char* inputs_spec = R"({"name": "in", "seed": 4, "repeats": 2,
  "task": {"type": "logistic_regression", "data": "data.csv", "batch_size": 8},
  "budget": {"epochs": 3}, "grid": {"optimizer.learning_rate": [0.01, 0.1, 0.3]}})";

// inputs_spec and its data in `dir`, run into `db` there.
fs::path data_sweep(const fs::path& dir, const std::string& db) {
  write_file(dir / "spec.json", inputs_spec);
  write_file(dir / "data.csv", two_class_csv(1));
  const auto r = run_lrlab({"run", "spec.json", "--db", db, "-q"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  return dir / db;
}

// What an interruption leaves: the last `n` trials unfinished.
void interrupt_last(const fs::path& db, int n) {
  sql_exec(db, "UPDATE trials SET status = 'running' WHERE trial_index >= (SELECT count(*) FROM trials) - " +
                   std::to_string(n));
}

std::string sha256_of(const fs::path& file) {
  const auto r = run_shell("sha256sum " + shell_quote(file.string()));
  REQUIRE(r.rc == 0);
  return r.out.substr(0, 64);
}

// The database is as the refused run found it: no new run, nothing reset.
void check_untouched(const fs::path& db, int unfinished) {
  CHECK(sql1(db, "SELECT count(*) FROM runs") == "1");
  CHECK(sql1(db, "SELECT count(*) FROM trials WHERE status = 'running'") == std::to_string(unfinished));
  CHECK(sql1(db, "SELECT count(*) FROM experiments") == "1");
}

}  // namespace

TEST_CASE("a run records its inputs: the data file, the plugin libraries and the build, with their sha256",
          "[e2e][inputs]") {
  const fs::path dir = temp_dir("inputs-recorded");
  const fs::path db = data_sweep(dir, "in.db");
  CHECK(sql1(db, "PRAGMA user_version") == "7");
  CHECK(sql1(db, "SELECT group_concat(kind || ':' || name, ' ') FROM experiment_inputs") ==
        "build:lrlab data:data.csv plugin:decay plugin:tasks");  // decay: the default schedule, constant
  CHECK(sql1(db, "SELECT path FROM experiment_inputs WHERE kind = 'data'") == fs::canonical(dir / "data.csv").string());
  CHECK(sql1(db, "SELECT sha256 FROM experiment_inputs WHERE kind = 'data'") == sha256_of(dir / "data.csv"));
  const std::string plugin = sql1(db, "SELECT path FROM experiment_inputs WHERE name = 'tasks'");
  CHECK(sql1(db, "SELECT sha256 FROM experiment_inputs WHERE name = 'tasks'") == sha256_of(plugin));
  CHECK_THAT(sql1(db, "SELECT detail FROM experiment_inputs WHERE kind = 'build'"), Contains("commit") && Contains("flags"));
  // A plugin's sha256 is the one run_plugins records for the run.
  CHECK(sql1(db, "SELECT count(*) FROM experiment_inputs i JOIN run_plugins p ON p.plugin = i.name AND p.sha256 = i.sha256") ==
        "2");
}

// Issue 24, point 9: only the libraries the trials used were recorded, though every library loaded
// runs its registration code in the process.
TEST_CASE("run_plugins names every library loaded, the unused ones with used = 0", "[e2e][inputs]") {
  const fs::path dir = temp_dir("inputs-loaded");
  const fs::path db = data_sweep(dir, "in.db");
  // Every lrlab_*.so beside the binary, and the core's built-ins.
  std::set<std::string> files{""};
  for (const auto& e : fs::directory_iterator(fs::path(LRLAB_BIN).parent_path() / "plugins"))
    if (e.path().filename().string().starts_with("lrlab_") && e.path().extension() == ".so") files.insert(e.path().string());
  std::set<std::string> recorded;
  for (const auto& row : sql(db, "SELECT path FROM run_plugins")) recorded.insert(row[0]);
  CHECK(recorded == files);
  CHECK(sql1(db, "SELECT group_concat(plugin, ' ') FROM (SELECT plugin FROM run_plugins WHERE used = 1 ORDER BY plugin)") ==
        "decay tasks");
  CHECK(sql1(db, "SELECT used FROM run_plugins WHERE plugin = 'plateau'") == "0");
  // What the report shows.
  const auto r = run_lrlab({"report", "in.db", "-o", "report.html"}, dir);
  REQUIRE(r.rc == 0);
  CHECK_THAT(read_file(dir / "report.html"), Contains("no (loaded only)"));
}

TEST_CASE("a data file overwritten between an interrupted run and its resume: exit 2 naming the file and both hashes",
          "[e2e][inputs]") {
  const fs::path dir = temp_dir("inputs-data");
  data_sweep(dir, "ref.db");
  const fs::path db = data_sweep(dir, "in.db");
  interrupt_last(db, 3);
  const std::string before = sha256_of(dir / "data.csv");

  write_file(dir / "data.csv", two_class_csv(2));
  const std::string after = sha256_of(dir / "data.csv");
  auto r = run_lrlab({"run", "spec.json", "--db", "in.db", "-q"}, dir);
  INFO(r.err);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("data file data.csv: at creation " + fs::canonical(dir / "data.csv").string() + " (sha256 " +
                             before.substr(0, 12) + "), now " + fs::canonical(dir / "data.csv").string() + " (sha256 " +
                             after.substr(0, 12) + ")"));
  CHECK_THAT(r.err, Contains("--fresh"));
  check_untouched(db, 3);

  // The data as it was: the resume completes the trials, as a run that never stopped.
  write_file(dir / "data.csv", two_class_csv(1));
  r = run_lrlab({"run", "spec.json", "--db", "in.db", "-q"}, dir);
  CHECK(r.rc == 0);
  CHECK_THAT(r.err, Contains("resumed with 3 already done"));
  CHECK(db_content(db) == db_content(dir / "ref.db"));

  // --fresh with the new data: a second experiment, with its own inputs.
  write_file(dir / "data.csv", two_class_csv(2));
  REQUIRE(run_lrlab({"run", "spec.json", "--db", "in.db", "-q", "--fresh"}, dir).rc == 0);
  CHECK(sql1(db, "SELECT group_concat(substr(sha256, 1, 12), ' ') FROM (SELECT sha256 FROM experiment_inputs "
                 "WHERE kind = 'data' ORDER BY experiment_id)") == before.substr(0, 12) + " " + after.substr(0, 12));
}

TEST_CASE("a relative data path resolved from another folder: another file is refused, a copy of the same bytes is not",
          "[e2e][inputs]") {
  const fs::path dir = temp_dir("inputs-relative");
  for (const char* sub : {"a", "b", "c"}) {
    fs::create_directory(dir / sub);
    write_file(dir / sub / "spec.json", inputs_spec);
  }
  write_file(dir / "a" / "data.csv", two_class_csv(1));
  write_file(dir / "b" / "data.csv", two_class_csv(3));
  write_file(dir / "c" / "data.csv", two_class_csv(1));
  const std::string db = (dir / "shared.db").string();
  REQUIRE(run_lrlab({"run", "spec.json", "--db", db, "-q"}, dir / "a").rc == 0);
  interrupt_last(db, 2);

  auto r = run_lrlab({"run", "spec.json", "--db", db, "-q"}, dir / "b");
  INFO(r.err);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("data file data.csv: at creation " + fs::canonical(dir / "a" / "data.csv").string()) &&
                        Contains("now " + fs::canonical(dir / "b" / "data.csv").string()) &&
                        Contains(sha256_of(dir / "a" / "data.csv").substr(0, 12)) &&
                        Contains(sha256_of(dir / "b" / "data.csv").substr(0, 12)));
  check_untouched(db, 2);

  // The same bytes elsewhere are the same input.
  r = run_lrlab({"run", "spec.json", "--db", db, "-q"}, dir / "c");
  CHECK(r.rc == 0);
  CHECK_THAT(r.err, Contains("resumed with 4 already done"));
}

TEST_CASE("a plugin library rebuilt between two runs: exit 2 naming the plugin, its file and both hashes", "[e2e][inputs]") {
  const fs::path dir = temp_dir("inputs-plugin");
  fs::create_directory(dir / "plugins");
  const fs::path lib = dir / "plugins" / "lrlab_faulty.so";
  fs::copy_file(fs::path(LRLAB_TEST_PLUGINS) / "lrlab_faulty.so", lib);
  write_file(dir / "spec.json", R"({"name": "p", "task": {"type": "faulty"}, "budget": {"steps": 30},
    "grid": {"optimizer.learning_rate": [0.01, 0.1, 0.2, 0.3]}})");
  const std::vector<std::string> run = {"run", "spec.json", "--db", "p.db", "-q", "--plugin-dir", "plugins"};
  REQUIRE(run_lrlab(run, dir).rc == 0);
  const fs::path db = dir / "p.db";
  CHECK(sql1(db, "SELECT path || ' ' || sha256 FROM experiment_inputs WHERE name = 'faulty'") ==
        fs::canonical(lib).string() + " " + sha256_of(lib));
  interrupt_last(db, 2);

  const std::string before = sha256_of(lib);
  std::ofstream(lib, std::ios::app | std::ios::binary) << "rebuilt";  // still loads: the loader ignores trailing bytes
  auto r = run_lrlab(run, dir);
  INFO(r.err);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("plugin faulty: at creation " + fs::canonical(lib).string() + " (sha256 " + before.substr(0, 12) +
                             "), now " + fs::canonical(lib).string() + " (sha256 " + sha256_of(lib).substr(0, 12) + ")"));
  CHECK_THAT(r.err, Contains("--fresh"));
  check_untouched(db, 2);
}

TEST_CASE("another build's numerics are refused, a database from before inputs were recorded gets them on resume",
          "[e2e][inputs]") {
  const fs::path dir = temp_dir("inputs-build");
  const fs::path db = data_sweep(dir, "in.db");
  interrupt_last(db, 1);

  // As if another lrlab (another commit, compiler or flags) had created the experiment.
  sql_exec(db, "UPDATE experiment_inputs SET sha256 = '0123456789ab' || substr(sha256, 13), "
               "detail = 'lrlab 0.0.9, commit 0000' WHERE kind = 'build'");
  auto r = run_lrlab({"run", "spec.json", "--db", "in.db", "-q"}, dir);
  INFO(r.err);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("the lrlab build: at creation lrlab 0.0.9, commit 0000 (sha256 0123456789ab), now lrlab "));

  // A version 2 database (no experiment_inputs, no run_plugins.used, which recorded only the
  // libraries used): the resume migrates it, says the inputs could not be checked, and records
  // this run's.
  sql_exec(db, "DROP TABLE experiment_inputs; DELETE FROM run_plugins WHERE used = 0; "
               "ALTER TABLE run_plugins DROP COLUMN used; PRAGMA user_version = 2;");
  r = run_lrlab({"run", "spec.json", "--db", "in.db", "-q"}, dir);
  CHECK(r.rc == 0);
  CHECK_THAT(r.err, Contains("did not record its inputs") && Contains("resumed with 5 already done"));
  CHECK(sql1(db, "PRAGMA user_version") == "7");
  CHECK(sql1(db, "SELECT count(*) FROM experiment_inputs") == "4");
  CHECK(sql1(db, "SELECT group_concat(used, '') FROM run_plugins WHERE run_id = 1") == "11");  // decay, tasks
}
