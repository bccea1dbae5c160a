// lrlab summary's verdicts through the command line, on experiments run here: one configuration
// written twice is identical, never ranked apart; a discrete metric gets no p = 0 and a warning; a
// misspelt path exits 2 naming the right one; tasks are never compared with each other; the
// multiple-comparison correction changes "beats k of m" when it should.
#include <catch2/catch.hpp>
#include <sstream>

#include "support/cli.hpp"
#include "support/two_class_csv.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

// Runs `spec` in a fresh folder (with data.csv beside it) and returns the database.
fs::path verdicts_run(const std::string& label, const std::string& spec) {
  const fs::path dir = temp_dir(label);
  write_file(dir / "spec.json", spec);
  write_file(dir / "data.csv", two_class_csv(3));
  const auto r = run_lrlab({"run", "spec.json", "--db", "v.db", "--quiet"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  return dir / "v.db";
}

// CSV rows as a header-keyed list; a quoted cell (a task label with commas) is one cell.
struct VerdictsCsv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::string at(std::size_t row, const std::string& column) const {
    const auto i = static_cast<std::size_t>(std::find(header.begin(), header.end(), column) - header.begin());
    REQUIRE(i < header.size());
    return i < rows[row].size() ? rows[row][i] : "";
  }
};
VerdictsCsv verdicts_csv(const std::string& text) {
  VerdictsCsv t;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char ch = line[i];
      if (ch == '"' && quoted && i + 1 < line.size() && line[i + 1] == '"') cells.back() += line[++i];
      else if (ch == '"') quoted = !quoted;
      else if (ch == ',' && !quoted) cells.emplace_back();
      else cells.back() += ch;
    }
    if (t.header.empty()) t.header = cells;
    else t.rows.push_back(cells);
  }
  return t;
}

const char* verdicts_twice_spec = R"({
  "name": "twice", "seed": 3, "repeats": 3,
  "task": {"type": "quadratic", "dimension": 2, "condition_number": 10, "steps_per_epoch": 2},
  "budget": {"epochs": 2},
  "grid": {"schedule": [{"type": "constant"}, {"type": "constant", "learning_rate": 0.001},
                        {"type": "constant", "learning_rate": 0.01}]}
})";

}  // namespace

TEST_CASE("summary verdicts: one configuration written twice is identical and shares its rank", "[e2e][summary]") {
  const fs::path db = verdicts_run("twice", verdicts_twice_spec);
  const auto r = run_lrlab({"summary", db.string(), "--format", "csv"});
  INFO(r.out << r.err);
  REQUIRE(r.rc == 0);
  const VerdictsCsv t = verdicts_csv(r.out);
  REQUIRE(t.rows.size() == 3);
  // The explicit 0.001 (the optimizer's default base rate) and the implicit one: one rank.
  std::vector<std::size_t> pair;
  for (std::size_t i = 0; i < 3; ++i)
    if (t.at(i, "schedule") != "constant(learning_rate=0.01)") pair.push_back(i);
  REQUIRE(pair.size() == 2);
  CHECK(t.at(pair[0], "rank") == t.at(pair[1], "rank"));
  CHECK(t.at(pair[0], "mean") == t.at(pair[1], "mean"));
  CHECK_THAT(r.err, Contains("metric: best_val_loss (lower is better)"));
  CHECK_THAT(r.err, Contains("identical: these 2 configurations produced the same trajectory: schedule=constant, "
                             "schedule=constant(learning_rate=0.001)"));
  // Whichever comes first, the other is never said to beat it or be beaten: no p-value between them.
  if (t.at(pair[0], "rank") == "1") {
    CHECK(t.at(pair[1], "paired_t_p").empty());
    CHECK(t.at(pair[1], "wilcoxon_p").empty());
    CHECK(t.at(pair[1], "note") == "all differences are 0");
  } else {
    CHECK(t.at(pair[0], "paired_t_p") == t.at(pair[1], "paired_t_p"));
  }
}

TEST_CASE("summary verdicts: different trajectories with the same value in every repeat tie, never ranked apart",
          "[e2e][summary]") {
  // The three rates give three trajectories, but every trial trains its whole budget: steps_done
  // is the same value in every repeat (as article_comparison.json's six schedules share their best
  // validation loss, reached before their first decay).
  const fs::path db = verdicts_run("equal", verdicts_twice_spec);
  const auto r = run_lrlab({"summary", db.string(), "--metric", "steps_done", "--format", "csv"});
  INFO(r.out << r.err);
  REQUIRE(r.rc == 0);
  const VerdictsCsv t = verdicts_csv(r.out);
  REQUIRE(t.rows.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(t.at(i, "rank") == "1");
    CHECK(t.at(i, "paired_t_p").empty());
  }
  CHECK_THAT(r.err, Contains("tied: these") && Contains("have the same steps_done in every repeat"));
  CHECK(r.err.find("beats") == std::string::npos);
}

TEST_CASE("summary verdicts: a discrete metric gets a warning and never p = 0", "[e2e][summary]") {
  const fs::path db = verdicts_run("discrete", R"({"name": "acc", "seed": 4, "repeats": 3,
    "task": {"type": "logistic_regression", "data": "data.csv", "batch_size": 8},
    "budget": {"epochs": 3}, "grid": {"optimizer.learning_rate": [0.01, 0.1, 0.3]}})");
  const auto r = run_lrlab({"summary", db.string(), "--metric", "val_accuracy", "--format", "csv"});
  INFO(r.out << r.err);
  REQUIRE(r.rc == 0);
  CHECK_THAT(r.err, Contains("metric: val_accuracy (higher is better)"));
  CHECK_THAT(r.err, Contains("lrlab: warning: val_accuracy looks discrete"));
  CHECK_THAT(r.err, Contains("lrlab: warning: too few repeats"));
  const VerdictsCsv t = verdicts_csv(r.out);
  REQUIRE(t.rows.size() == 3);
  for (std::size_t i = 0; i < 3; ++i)
    for (const char* p : {"paired_t_p", "paired_t_p_adj", "wilcoxon_p", "wilcoxon_p_adj"}) {
      const std::string cell = t.at(i, p);
      if (!cell.empty()) CHECK(std::stod(cell) > 0);
    }
}

TEST_CASE("summary verdicts: a misspelt path or metric exits 2 naming the nearest, for summary and plot", "[e2e][summary][plot]") {
  const fs::path db = verdicts_run("misspelt", verdicts_twice_spec);
  auto r = run_lrlab({"summary", db.string(), "--by", "schedule.typ"});
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("--by \"schedule.typ\"") && Contains("did you mean schedule.type?"));
  r = run_lrlab({"summary", db.string(), "--within", "schedule.typ"});
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("did you mean schedule.type?"));
  r = run_lrlab({"plot", db.string(), "-o", (db.parent_path() / "p.svg").string(), "--by", "schedule.typ"});
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("--by \"schedule.typ\"") && Contains("did you mean schedule.type?"));
  r = run_lrlab({"report", db.string(), "-o", (db.parent_path() / "r.html").string(), "--within", "schedule.typ"});
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("--within \"schedule.typ\"") && Contains("did you mean schedule.type?"));
  r = run_lrlab({"summary", db.string(), "--metric", "val_los"});
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("did you mean val_loss?"));
  r = run_lrlab({"summary", db.string(), "--where", "no_such_column > 1"});
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("--where") && Contains("no such column: no_such_column"));
  r = run_lrlab({"summary", db.string(), "--correction", "bonferroni"});
  CHECK(r.rc == 2);
  // --where a good condition keeps its trials.
  r = run_lrlab({"summary", db.string(), "--where", "json_extract(config_json, '$.schedule.learning_rate') = 0.01", "--format", "csv"});
  INFO(r.err);
  REQUIRE(r.rc == 0);
  CHECK(verdicts_csv(r.out).rows.size() == 1);
}

TEST_CASE("summary verdicts: a grid over two tasks ranks within each task, by default and with --within", "[e2e][summary]") {
  const fs::path db = verdicts_run("tasks", R"({"name": "tasks", "seed": 8, "repeats": 2,
    "task": {"type": "quadratic", "dimension": 2, "condition_number": 10, "steps_per_epoch": 2},
    "budget": {"epochs": 2},
    "grid": {"task": [{"type": "quadratic", "dimension": 2, "condition_number": 10, "steps_per_epoch": 2},
                      {"type": "rosenbrock", "steps_per_epoch": 2}],
             "optimizer.learning_rate": [0.01, 0.02]}})");
  for (const std::vector<std::string>& extra : {std::vector<std::string>{}, std::vector<std::string>{"--within", "task"},
                                                std::vector<std::string>{"--by", "optimizer.learning_rate"}}) {
    std::vector<std::string> args{"summary", db.string(), "--format", "csv"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_lrlab(args);
    INFO(r.out << r.err);
    REQUIRE(r.rc == 0);
    const VerdictsCsv t = verdicts_csv(r.out);
    REQUIRE(t.rows.size() == 4);
    CHECK(t.header[1] == "task");
    // Two rankings of two: each has a rank 1, and a row's difference is to the best of its own task.
    for (std::size_t i = 0; i < 4; i += 2) {
      CHECK(t.at(i, "rank") == "1");
      CHECK(t.at(i, "task") == t.at(i + 1, "task"));
      if (!t.at(i + 1, "diff_vs_best").empty()) {
        // Both rates of a task have every repeat: the mean difference is the difference of the means.
        CHECK(std::stod(t.at(i + 1, "diff_vs_best")) ==
              Approx(std::stod(t.at(i + 1, "mean")) - std::stod(t.at(i, "mean"))).margin(1e-12));
      }
    }
    CHECK(t.at(0, "task") != t.at(2, "task"));
    CHECK_THAT(r.err, Contains("verdict: [task=quadratic(") && Contains("verdict: [task=rosenbrock("));
  }
}

TEST_CASE("summary verdicts: the correction changes beats k of m when it should", "[e2e][summary]") {
  const fs::path db = verdicts_run("correction", R"({"name": "six", "seed": 2, "repeats": 6,
    "task": {"type": "quadratic", "dimension": 2, "condition_number": 10, "steps_per_epoch": 2},
    "budget": {"epochs": 1}, "grid": {"optimizer.learning_rate": [0.1, 0.2, 0.3, 0.4]}})");
  // best_val_loss by repeat: A = 1.0 ... 1.5, and A plus differences whose paired t-test p-values
  // are about 0.040 (B), 0.049 (C) and 4e-5 (D): all three below 0.05 raw; Holm multiplies the
  // smallest by 3 and the next by 2 (0.08), so only D stays below; BH (3p/1, 3p/2, 3p/3, running
  // minimum from the top) keeps all three at or below 0.049.
  const double a[6] = {1.0, 1.1, 1.2, 1.3, 1.4, 1.5};
  const double d[3][6] = {{0.35, 0.1, 0.4, -0.1, 0.2, 0.3}, {0.4, -0.1, 0.2, 0.1, 0.4, 0.2}, {1.0, 0.8, 1.2, 0.9, 1.1, 1.3}};
  std::string q;
  for (int k = 0; k < 4; ++k)
    for (int r = 0; r < 6; ++r) {
      char v[40];
      std::snprintf(v, sizeof v, "%.17g", a[r] + (k ? d[k - 1][r] : 0.0));
      q += "UPDATE trials SET best_val_loss = " + std::string(v) + " WHERE trial_index = " + std::to_string(6 * k + r) + ";";
    }
  sql_exec(db, q);
  auto r = run_lrlab({"summary", db.string()});
  INFO(r.out << r.err);
  REQUIRE(r.rc == 0);
  CHECK_THAT(r.out, Contains("metric: best_val_loss (lower is better)") && Contains("paired_t_p_adj"));
  CHECK_THAT(r.out, Contains("beats 1 of 3 others at p<0.05 (Holm-adjusted paired t-test)"));
  r = run_lrlab({"summary", db.string(), "--correction", "none"});
  CHECK_THAT(r.out, Contains("beats 3 of 3 others at p<0.05 (unadjusted paired t-test)"));
  r = run_lrlab({"summary", db.string(), "--correction", "bh", "--format", "json"});
  REQUIRE(r.rc == 0);
  CHECK_THAT(r.err, Contains("beats 3 of 3 others at p<0.05 (BH-adjusted paired t-test)"));
  CHECK_THAT(r.out, Contains("\"paired_t_p_adj\""));
}
