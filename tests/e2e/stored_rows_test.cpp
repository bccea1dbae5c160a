// verify and resume do not trust the stored rows (issue 24, point 8): a trials row edited by hand
// is not "identical", a deleted one is run again, one outside the plan is a clear error, and
// `verify --all` covers every experiment of the database.
#include <catch2/catch.hpp>

#include "support/cli.hpp"
#include "support/db_content.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

// 3 rates x 2 repeats on a noisy quadratic: 6 short trials.
const char* rows_spec = R"({"name": "rows", "seed": 2, "repeats": 2,
  "task": {"type": "quadratic", "dimension": 5, "condition_number": 10, "noise_std": 0.3, "steps_per_epoch": 10},
  "budget": {"epochs": 3}, "grid": {"optimizer.learning_rate": [0.01, 0.05, 0.1]}})";

// A finished sweep of rows_spec in `dir`/`db`.
fs::path finished_sweep(const fs::path& dir, const std::string& db) {
  write_file(dir / "spec.json", rows_spec);
  REQUIRE(run_lrlab({"run", "spec.json", "--db", db, "-q"}, dir).rc == 0);
  return dir / db;
}

}  // namespace

TEST_CASE("a config_json edited by hand: verify says DIFFERS and names the column, a resume refuses it",
          "[e2e][verify][stored-rows]") {
  const fs::path dir = temp_dir("rows-config");
  const fs::path db = finished_sweep(dir, "r.db");
  sql_exec(db, "UPDATE trials SET config_json = replace(config_json, '\"learning_rate\":0.05', '\"learning_rate\":0.5') "
               "WHERE trial_index = 2");
  REQUIRE(sql1(db, "SELECT json_extract(config_json, '$.optimizer.learning_rate') FROM trials WHERE trial_index = 2") == "0.5");

  auto r = run_lrlab({"verify", "r.db"}, dir);
  CHECK(r.rc == 1);
  CHECK_THAT(r.out, Contains("(index 2): DIFFERS: its config_json is not the planned configuration"));
  CHECK_THAT(r.err, Contains("5 identical, 1 different"));

  r = run_lrlab({"run", "spec.json", "--db", "r.db", "-q"}, dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("(index 2) of experiment \"rows\"") && Contains("config_json") && Contains("--fresh"));
  CHECK(sql1(db, "SELECT count(*) FROM runs") == "1");
}

TEST_CASE("a deleted trials row: verify reports it missing, a resume puts it back and runs it again", "[e2e][stored-rows]") {
  const fs::path dir = temp_dir("rows-deleted");
  const fs::path ref = finished_sweep(dir, "ref.db");
  const fs::path db = finished_sweep(dir, "r.db");
  // The first trial and the last (whose trial_id a new row would take again); their steps, evals
  // and events stay behind, belonging to no trial.
  sql_exec(db, "DELETE FROM trials WHERE trial_index IN (1, 5)");

  auto r = run_lrlab({"verify", "r.db"}, dir);
  CHECK(r.rc == 1);
  CHECK_THAT(r.out, Contains("trial index 1: DIFFERS: planned, but the database has no row for it") &&
                        Contains("trial index 5: DIFFERS"));

  r = run_lrlab({"run", "spec.json", "--db", "r.db", "-q"}, dir);
  INFO(r.err);
  CHECK(r.rc == 0);
  CHECK_THAT(r.err, Contains("lacked the rows of 2 planned trials (index 1, 5") && Contains("resumed with 4 already done"));
  CHECK(sql1(db, "SELECT count(*) FROM trials WHERE status = 'completed'") == "6");
  CHECK(sql1(db, "SELECT count(*) FROM steps WHERE trial_id NOT IN (SELECT trial_id FROM trials)") == "0");
  CHECK(sql1(db, "SELECT count(*) FROM steps") == sql1(ref, "SELECT count(*) FROM steps"));
  CHECK(db_content(db) == db_content(ref));
  CHECK(run_lrlab({"verify", "r.db"}, dir).rc == 0);
}

TEST_CASE("a trial_index outside the plan: a clear error from a resume, DIFFERS from verify", "[e2e][verify][stored-rows]") {
  const fs::path dir = temp_dir("rows-index");
  const fs::path db = finished_sweep(dir, "r.db");
  sql_exec(db, "UPDATE trials SET trial_index = 999 WHERE trial_index = 3");

  auto r = run_lrlab({"run", "spec.json", "--db", "r.db", "-q"}, dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("has trial_index 999, outside the plan's 0 .. 5") && Contains("--fresh"));
  CHECK(r.err.find("range_check") == std::string::npos);

  r = run_lrlab({"verify", "r.db"}, dir);
  CHECK(r.rc == 1);
  CHECK_THAT(r.out, Contains("(index 999): DIFFERS: its trial_index is outside the plan's 0 .. 5") &&
                        Contains("trial index 3: DIFFERS: planned, but the database has no row for it"));
}

TEST_CASE("verify --all covers every experiment of the database, without it, the latest", "[e2e][verify][stored-rows]") {
  const fs::path dir = temp_dir("rows-all");
  const fs::path db = finished_sweep(dir, "r.db");
  // A second experiment under another spec, added with --fresh.
  std::string other = rows_spec;
  other.replace(other.find("\"seed\": 2"), 9, "\"seed\": 8");
  write_file(dir / "spec.json", other);
  REQUIRE(run_lrlab({"run", "spec.json", "--db", "r.db", "-q", "--fresh"}, dir).rc == 0);
  REQUIRE(sql1(db, "SELECT count(*) FROM experiments") == "2");
  // A value of the first experiment altered.
  sql_exec(db, "UPDATE steps SET lr = lr * 2 WHERE step = 4 AND trial_id = "
               "(SELECT trial_id FROM trials WHERE experiment_id = 1 AND trial_index = 0)");

  auto r = run_lrlab({"verify", "r.db"}, dir);
  CHECK(r.rc == 0);
  CHECK_THAT(r.err, Contains("verified 6 trials: 6 identical, 0 different"));

  r = run_lrlab({"verify", "r.db", "--all"}, dir);
  CHECK(r.rc == 1);
  CHECK_THAT(r.out, Contains("experiment 1 (rows):") && Contains("experiment 2 (rows):") &&
                        Contains("(index 0): DIFFERS at steps, step 4, column lr"));
  CHECK_THAT(r.err, Contains("verified 12 trials of 2 experiments: 11 identical, 1 different"));
}
