// Editing a spec between runs (spec_change.hpp): an edit that only adds trials keeps every stored
// trial and runs the new ones, and the database is then the one a run of the edited spec from
// scratch gives; a description is text; any other edit is refused with the differences, leaving
// the file as it was; an older experiment stays reachable by its id.
#include <catch2/catch.hpp>

#include "support/cli.hpp"
#include "support/db_content.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {
// 2 rates x (a list of schedules) x R repeats on a noisy quadratic, 40 steps each.
std::string spec(int repeats, const std::string& schedules, const std::string& extra = "") {
  return R"({
  "name": "edited", "seed": 5, "repeats": )" + std::to_string(repeats) + R"(, "description": "first")" + extra + R"(,
  "task": {"type": "quadratic", "dimension": 6, "condition_number": 20, "noise_std": 0.3, "steps_per_epoch": 10},
  "budget": {"epochs": 4},
  "grid": {"optimizer.learning_rate": [0.01, 0.1], "schedule": [)" + schedules + R"(]}
})";
}
const std::string constant = R"({"type": "constant"})";
const std::string decay = R"({"type": "exponential_decay", "decay_steps": 10, "decay_rate": 0.5})";
const std::string cosine = R"({"type": "cosine_decay", "decay_steps": 40})";

std::string ids_by_key(const fs::path& db) {
  std::string s;
  for (const auto& r : sql(db, "SELECT trial_key, trial_id, run_id, wall_seconds FROM trials ORDER BY trial_key"))
    s += r[0] + " " + r[1] + " " + r[2] + " " + r[3] + "\n";
  return s;
}
}  // namespace

TEST_CASE("spec edits: more repeats, then a schedule inserted in the grid, run only the new trials", "[e2e][spec_change]") {
  const fs::path dir = temp_dir("spec_grow");
  write_file(dir / "spec.json", spec(2, constant + "," + decay));
  REQUIRE(run_lrlab({"run", "spec.json", "-q", "--db", "e.db"}, dir).rc == 0);
  const fs::path db = dir / "e.db";
  const std::string first = ids_by_key(db);
  REQUIRE(sql1(db, "SELECT count(*) FROM trials") == "8");

  // 2 -> 3 repeats: the 8 stored trials are kept (same trial_id, run and wall time), 4 run.
  write_file(dir / "spec.json", spec(3, constant + "," + decay));
  auto r = run_lrlab({"run", "spec.json", "--db", "e.db"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  CHECK_THAT(r.err, Contains("the spec grew: the 8 trials stored are kept") && Contains("4 added:\n  /repeats: 2 -> 3"));
  CHECK_THAT(r.err, Contains("4 trials in") && Contains("resumed with 8 already done"));
  CHECK(sql1(db, "SELECT count(*) FROM experiments") == "1");
  CHECK(sql1(db, "SELECT json_extract(spec_json, '$.repeats') FROM experiments") == "3");
  const std::string kept = ids_by_key(db);
  for (std::size_t at = 0, line = 0; (line = first.find('\n', at)) != std::string::npos; at = line + 1)
    CHECK(kept.find(first.substr(at, line - at + 1)) != std::string::npos);
  CHECK(sql1(db, "SELECT count(*) FROM trials WHERE run_id = 2") == "4");
  write_file(dir / "spec.json", spec(3, constant + "," + decay));
  REQUIRE(run_lrlab({"run", "spec.json", "-q", "--db", "fresh3.db"}, dir).rc == 0);
  CHECK(db_content(db) == db_content(dir / "fresh3.db"));

  // A schedule inserted between the two: every stored trial moves to its index in the new plan.
  write_file(dir / "spec.json", spec(3, constant + "," + cosine + "," + decay));
  r = run_lrlab({"run", "spec.json", "--db", "e.db"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  CHECK_THAT(r.err, Contains("the 12 trials stored are kept (9 with a new trial_index), 6 added:\n"
                             "  /grid/schedule/1: (absent) -> {\"type\":\"cosine_decay\",\"decay_steps\":40}\n"));
  REQUIRE(run_lrlab({"run", "spec.json", "-q", "--db", "fresh9.db"}, dir).rc == 0);
  CHECK(db_content(db) == db_content(dir / "fresh9.db"));
  CHECK(sql1(db, "SELECT count(*) FROM trials WHERE run_id = 3") == "6");
  // Nothing left to do: a rerun runs nothing.
  r = run_lrlab({"run", "spec.json", "--db", "e.db"}, dir);
  CHECK(r.rc == 0);
  CHECK_THAT(r.err, Contains("0 trials in"));
}

TEST_CASE("spec edits: grid keys reordered or reformatted, a key with its default added, a value twice", "[e2e][spec_change]") {
  const fs::path dir = temp_dir("spec_reorder");
  const std::string task = R"("task": {"type": "quadratic", "dimension": 4, "condition_number": 10, "noise_std": 0.2, "steps_per_epoch": 10},)";
  const auto grid_spec = [&](const std::string& grid) {
    return R"({"name": "g", "seed": 3, "repeats": 2, )" + task + R"( "budget": {"epochs": 2}, "grid": {)" + grid + "}}";
  };
  write_file(dir / "spec.json", grid_spec(R"("optimizer.learning_rate": [0.01, 0.1],
    "schedule": [{"type": "exponential_decay", "decay_steps": 10, "decay_rate": 0.5}, {"type": "constant"}])"));
  REQUIRE(run_lrlab({"run", "spec.json", "-q", "--db", "g.db"}, dir).rc == 0);
  const fs::path db = dir / "g.db";
  // The keys in the other order, a value's own keys reordered, beta_2 with its default and
  // another value, and a rate written twice: the 8 stored trials are all still planned.
  const std::string edited = grid_spec(R"("schedule": [{"decay_rate": 0.5, "type": "exponential_decay", "decay_steps": 10},
    {"type": "constant"}], "optimizer.learning_rate": [0.01, 0.1, 0.1], "optimizer.beta_2": [0.999, 0.99])");
  write_file(dir / "spec.json", edited);
  auto r = run_lrlab({"run", "spec.json", "--db", "g.db"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  CHECK_THAT(r.err, Contains("the 8 trials stored are kept") && Contains("16 added"));
  CHECK_THAT(r.err, !Contains("deleted by hand"));
  REQUIRE(run_lrlab({"run", "spec.json", "-q", "--db", "fresh.db"}, dir).rc == 0);
  CHECK(db_content(db) == db_content(dir / "fresh.db"));
  // Whole: a rerun has nothing to do, verify finds every trial identical.
  r = run_lrlab({"run", "spec.json", "--db", "g.db"}, dir);
  CHECK(r.rc == 0);
  CHECK_THAT(r.err, Contains("0 trials in"));
  r = run_lrlab({"verify", "g.db"}, dir);
  CHECK(r.rc == 0);
  CHECK_THAT(r.err, Contains("24 identical, 0 different"));
}

TEST_CASE("spec edits: a description is text, a budget is refused with the differences, the file unchanged", "[e2e][spec_change]") {
  const fs::path dir = temp_dir("spec_refuse");
  write_file(dir / "spec.json", spec(1, constant));
  REQUIRE(run_lrlab({"run", "spec.json", "-q", "--db", "e.db"}, dir).rc == 0);
  const fs::path db = dir / "e.db";
  const std::string ids = ids_by_key(db);

  std::string text = spec(1, constant);
  text.replace(text.find("\"first\""), 7, "\"second try\"");
  write_file(dir / "spec.json", text);
  auto r = run_lrlab({"run", "spec.json", "--db", "e.db"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  CHECK_THAT(r.err, Contains("the spec changed, no trial did") && Contains("/description: \"first\" -> \"second try\""));
  CHECK(sql1(db, "SELECT description || ' ' || json_extract(spec_json, '$.description') FROM experiments") == "second try second try");
  CHECK(ids_by_key(db) == ids);

  // The budget changes every trial: refused, each difference by pointer, the ways out named.
  text.replace(text.find("\"epochs\": 4"), 11, "\"epochs\": 5");
  text.replace(text.find("\"seed\": 5"), 9, "\"seed\": 6");
  write_file(dir / "spec.json", text);
  const std::string bytes = read_file(db);
  r = run_lrlab({"run", "spec.json", "--db", "e.db"}, dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("already holds experiment \"edited\" (id 1) with a different spec") &&
                        Contains("\n  /seed: 5 -> 6") && Contains("\n  /budget/epochs: 4 -> 5") &&
                        Contains("2 of the 2 trials it holds are not in the new plan") && Contains("--fresh") &&
                        Contains("new \"name\""));
  CHECK(read_file(db) == bytes);

  // --fresh: a second experiment of the same name; the first stays reachable by its id.
  REQUIRE(run_lrlab({"run", "spec.json", "-q", "--db", "e.db", "--fresh"}, dir).rc == 0);
  // Its report says how to reach it: by its id, since the name now means the second.
  r = run_lrlab({"report", "e.db", "--experiment", "1", "-o", "one.html"}, dir);
  REQUIRE(r.rc == 0);
  CHECK_THAT(read_file(dir / "one.html"), Contains("lrlab summary e.db --experiment 1 --metric"));
  r = run_lrlab({"summary", "e.db", "--experiment", "1", "--format", "csv"}, dir);
  INFO(r.err);
  CHECK(r.rc == 0);
  r = run_lrlab({"export", "e.db", "--experiment", "1", "--table", "trials", "--format", "jsonl"}, dir);
  CHECK(r.rc == 0);
  CHECK_THAT(r.out, Contains("\"experiment_id\":1"));
  CHECK_THAT(r.out, !Contains("\"experiment_id\":2"));
  r = run_lrlab({"summary", "e.db", "--experiment", "7"}, dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("1 \"edited\", 2 \"edited\""));

  // The superseded spec runs again from the database: into its own experiment (finished: nothing
  // to do), or into another file, giving the trials it gave.
  r = run_lrlab({"run", "e.db", "--experiment", "1"}, dir);
  INFO(r.err);
  CHECK(r.rc == 0);
  CHECK_THAT(r.err, Contains("0 trials in") && Contains("resumed with 2 already done"));
  CHECK(sql1(db, "SELECT count(*) FROM experiments") == "2");
  r = run_lrlab({"run", "e.db", "--experiment", "1", "--db", "again.db", "-q"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  const std::string first = "SELECT trial_key, final_train_loss FROM trials WHERE experiment_id = 1 ORDER BY trial_index";
  CHECK(sql(dir / "again.db", first) == sql(db, first));
  CHECK(sql(db, first).size() == 2);
  CHECK(sql1(dir / "again.db", "SELECT json_extract(spec_json, '$.budget.epochs') FROM experiments") == "4");
  // --experiment belongs to a database; with a spec file it is a usage error.
  r = run_lrlab({"run", "spec.json", "--experiment", "1"}, dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("is not a database"));
}

TEST_CASE("spec edits: an experiment with a pruner takes only a new description", "[e2e][spec_change]") {
  const fs::path dir = temp_dir("spec_pruner");
  const std::string pruner = R"(, "pruner": {"type": "median", "metric": "val_loss", "every_steps": 20})";
  write_file(dir / "spec.json", spec(1, constant + "," + decay, pruner));
  auto r = run_lrlab({"run", "spec.json", "-q", "--db", "p.db"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  const std::string bytes = read_file(dir / "p.db");
  write_file(dir / "spec.json", spec(2, constant + "," + decay, pruner));
  r = run_lrlab({"run", "spec.json", "--db", "p.db"}, dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("/repeats: 1 -> 2") && Contains("pruner"));
  CHECK(read_file(dir / "p.db") == bytes);
}
