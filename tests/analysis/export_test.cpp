// lrlab export: every table round-trips (row counts, values read back exactly, grid columns).
#include <catch2/catch.hpp>
#include <sstream>

#include "lrlab/json.hpp"
#include "support/cli.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {
const char* export_spec = R"({
  "name": "exported", "seed": 3, "repeats": 2,
  "task": {"type": "quadratic", "dimension": 3, "condition_number": 10, "noise_std": 0.3, "steps_per_epoch": 5},
  "budget": {"epochs": 3},
  "evaluate": {"every_steps": 2},
  "policies": [{"type": "reduce_on_plateau", "monitor": "val_loss", "factor": 0.5, "patience": 0}],
  "grid": {"optimizer.learning_rate": [0.01, 0.5],
           "schedule": [{"type": "constant"}, {"type": "exponential_decay", "decay_steps": 2, "decay_rate": 0.9}]}
})";

fs::path make_export_db(const fs::path& dir) {
  write_file(dir / "spec.json", export_spec);
  const auto r = run_lrlab({"run", "spec.json", "--db", "e.db", "--quiet"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  return dir / "e.db";
}

// Split one csv line (fields quoted with "" escapes, as RFC 4180).
std::vector<std::string> csv_split(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    if (quoted && ch == '"' && i + 1 < line.size() && line[i + 1] == '"') { out.back() += '"'; ++i; }
    else if (ch == '"') quoted = !quoted;
    else if (ch == ',' && !quoted) out.emplace_back();
    else out.back() += ch;
  }
  return out;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> v;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) v.push_back(l);
  return v;
}
}  // namespace

TEST_CASE("export csv: steps round-trip with grid values as columns", "[analysis][export]") {
  const fs::path dir = temp_dir("export");
  const fs::path db = make_export_db(dir);
  const auto r = run_lrlab({"export", db.string(), "--table", "steps", "--format", "csv", "-o", (dir / "steps.csv").string()});
  INFO(r.err);
  REQUIRE(r.rc == 0);
  const auto ls = lines(read_file(dir / "steps.csv"));
  REQUIRE(ls.size() == 1 + 8 * 15);  // 8 trials of 15 steps
  CHECK(csv_split(ls[0]) == std::vector<std::string>{"trial_id", "step", "epoch", "lr", "train_loss", "beta_1", "trial_index",
                                                     "repeat", "optimizer.learning_rate", "schedule"});
  // Every row equals the database's, as SQL prints it with 17 digits.
  const auto expected = sql(db, "SELECT s.trial_id, s.step, s.epoch, s.lr, s.train_loss, s.beta_1, t.trial_index, t.repeat, "
                                "json_extract(t.grid_json, '$.\"optimizer.learning_rate\"'), json_extract(t.grid_json, '$.schedule') "
                                "FROM steps s JOIN trials t USING(trial_id) ORDER BY s.trial_id, s.step");
  REQUIRE(expected.size() == ls.size() - 1);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("row " << i);
    CHECK(csv_split(ls[i + 1]) == expected[i]);
  }
  CHECK_THAT(ls[1], Contains("\"{\"\"type\"\":\"\"constant\"\"}\""));
  CHECK_THAT(r.err, Contains("wrote 120 rows"));
}

TEST_CASE("export jsonl: every table's rows read back to the same values", "[analysis][export]") {
  const fs::path dir = temp_dir("export-jsonl");
  const fs::path db = make_export_db(dir);
  for (const std::string table : {"steps", "evals", "events", "trials"}) {
    const auto r = run_lrlab({"export", db.string(), "--table", table, "--format", "jsonl"});
    INFO(table << ": " << r.err);
    REQUIRE(r.rc == 0);
    const auto ls = lines(r.out);
    CHECK(std::to_string(ls.size()) == sql1(db, "SELECT count(*) FROM " + table));
    for (const auto& l : ls) {
      const auto o = lrlab::Json::parse(l);
      REQUIRE(o.contains("schedule"));
      CHECK(o["schedule"].is_object());  // grid objects stay objects
      CHECK(o["optimizer.learning_rate"].is_number());
    }
  }
  // Doubles read back bit for bit.
  const auto r = run_lrlab({"export", db.string(), "--table", "trials", "--format", "jsonl", "--experiment", "exported"});
  for (const auto& l : lines(r.out)) {
    const auto o = lrlab::Json::parse(l);
    const std::string id = std::to_string(o["trial_id"].get<long>());
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", o["best_val_loss"].get<double>());
    CHECK(std::string(buf) == sql1(db, "SELECT best_val_loss FROM trials WHERE trial_id = " + id));
    CHECK(o["config_json"].is_string());
  }
  CHECK(sql1(db, "SELECT count(*) FROM events") != "0");  // the plateau policy acted: events exported above
}

TEST_CASE("export: bad table or format is a usage error", "[analysis][export]") {
  const fs::path dir = temp_dir("export-bad");
  const fs::path db = make_export_db(dir);
  auto r = run_lrlab({"export", db.string(), "--table", "nope"});
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("steps, evals, events or trials"));
  r = run_lrlab({"export", db.string(), "--table", "steps", "--format", "xml"});
  CHECK(r.rc == 2);
  r = run_lrlab({"export", (dir / "missing.db").string(), "--table", "steps"});
  CHECK(r.rc == 2);
  CHECK_FALSE(fs::exists(dir / "missing.db"));
}
