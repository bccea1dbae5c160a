// lrlab summary on a small database whose metric values are set by hand: every number in the
// output is checked against arithmetic done here.
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <sstream>

#include "support/cli.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {
// 3 learning rates x 3 repeats of a tiny quadratic: 9 trials, trial_index = 3 * config + repeat.
const char* summary_spec = R"({
  "name": "synthetic", "seed": 5, "repeats": 3,
  "task": {"type": "quadratic", "dimension": 2, "condition_number": 10, "steps_per_epoch": 2},
  "budget": {"epochs": 2},
  "grid": {"optimizer.learning_rate": [0.01, 0.02, 0.03]}
})";


// The database of `summary_spec`, with best_val_loss replaced by these values (config A, B, C by repeat):
//   A (lr 0.01): 1.0 2.0 3.0    B (lr 0.02): 1.5 2.7 3.3    C (lr 0.03): 4.0 5.0 6.0
fs::path synthetic_db() {
  const fs::path dir = temp_dir("summary");
  write_file(dir / "spec.json", summary_spec);
  const auto r = run_lrlab({"run", "spec.json", "--db", "s.db", "--quiet"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  const double v[9] = {1.0, 2.0, 3.0, 1.5, 2.7, 3.3, 4.0, 5.0, 6.0};
  std::string q;
  for (int i = 0; i < 9; ++i)
    q += "UPDATE trials SET best_val_loss = " + std::to_string(v[i]) + " WHERE trial_index = " + std::to_string(i) + ";";
  sql_exec(dir / "s.db", q);
  return dir / "s.db";
}

std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::istringstream l(line);
    for (std::string c; std::getline(l, c, ',');) cells.push_back(c);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    rows.push_back(cells);
  }
  return rows;
}

double num(const std::string& s) { return std::stod(s); }

// The cell of `column` (named in the header row) in row `i`.
std::string summary_cell(const std::vector<std::vector<std::string>>& rows, std::size_t i, const std::string& column) {
  const auto at = static_cast<std::size_t>(std::find(rows[0].begin(), rows[0].end(), column) - rows[0].begin());
  REQUIRE(at < rows[0].size());
  return at < rows[i].size() ? rows[i][at] : "";
}
}  // namespace

TEST_CASE("summary: ranks, means, sd, t intervals and paired tests match hand computation", "[analysis][summary]") {
  const fs::path db = synthetic_db();
  const auto r = run_lrlab({"summary", db.string(), "--format", "csv"});
  INFO(r.out << r.err);
  REQUIRE(r.rc == 0);
  const auto rows = csv_rows(r.out);
  REQUIRE(rows.size() == 4);
  CHECK(rows[0] == std::vector<std::string>{"rank", "optimizer.learning_rate", "n", "missing", "mean", "sd", "ci95_low",
                                            "ci95_high", "best_step", "best_epoch", "diff_vs_best", "diff_ci95_low", "diff_ci95_high", "d_z",
                                            "pairs", "paired_t_p", "paired_t_p_adj", "wilcoxon_p", "wilcoxon_p_adj", "note"});
  const auto cell = [&](std::size_t i, const std::string& column) { return summary_cell(rows, i, column); };
  const double t2 = 4.302652729749464;  // t_{0.975, 2}
  // A: mean 2, sd 1.
  CHECK(cell(1, "rank") == "1");
  CHECK(cell(1, "optimizer.learning_rate") == "0.01");
  CHECK(cell(1, "n") == "3");
  CHECK(num(cell(1, "mean")) == Approx(2.0));
  CHECK(num(cell(1, "sd")) == Approx(1.0));
  CHECK(num(cell(1, "ci95_low")) == Approx(2 - t2 / std::sqrt(3.0)).epsilon(1e-10));
  CHECK(num(cell(1, "ci95_high")) == Approx(2 + t2 / std::sqrt(3.0)).epsilon(1e-10));
  CHECK(cell(1, "diff_vs_best").empty());  // the best has no difference to itself
  CHECK(cell(1, "note") == "best");
  // B: mean 2.5, sd sqrt(1.68 / 2); differences to A 0.5, 0.7, 0.3: mean 0.5, sd 0.2,
  // t = 0.5 / (0.2 / sqrt 3) with df 2, whose two-sided p is 1 - t / sqrt(2 + t²); interval
  // 0.5 ± t_{0.975,2} · 0.2 / sqrt 3; d_z = 0.5 / 0.2.
  CHECK(cell(2, "optimizer.learning_rate") == "0.02");
  CHECK(num(cell(2, "mean")) == Approx(2.5));
  CHECK(num(cell(2, "sd")) == Approx(std::sqrt(0.84)));
  CHECK(num(cell(2, "diff_vs_best")) == Approx(0.5));
  CHECK(num(cell(2, "diff_ci95_low")) == Approx(0.5 - t2 * 0.2 / std::sqrt(3.0)).epsilon(1e-9));
  CHECK(num(cell(2, "diff_ci95_high")) == Approx(0.5 + t2 * 0.2 / std::sqrt(3.0)).epsilon(1e-9));
  CHECK(num(cell(2, "d_z")) == Approx(2.5).epsilon(1e-9));
  CHECK(cell(2, "pairs") == "3");
  const double t = 0.5 / (0.2 / std::sqrt(3.0));
  CHECK(num(cell(2, "paired_t_p")) == Approx(1 - t / std::sqrt(2 + t * t)).epsilon(1e-9));
  CHECK(num(cell(2, "paired_t_p")) < 0.05);
  // C's differences have no spread: B is the whole family, Holm leaves its p as it is.
  CHECK(num(cell(2, "paired_t_p_adj")) == Approx(1 - t / std::sqrt(2 + t * t)).epsilon(1e-9));
  CHECK(num(cell(2, "wilcoxon_p")) == Approx(0.25));  // exact Wilcoxon: 3 positive differences, 2/8
  // C: differences 3, 3, 3: no spread, so no t-test (never p = 0); the note says why.
  CHECK(cell(3, "optimizer.learning_rate") == "0.03");
  CHECK(num(cell(3, "mean")) == Approx(5.0));
  CHECK(num(cell(3, "diff_vs_best")) == Approx(3.0));
  CHECK(cell(3, "paired_t_p").empty());
  CHECK(cell(3, "note") == "differences have zero variance: no t-test");
  // The metric and the verdict, on stderr for csv.
  CHECK_THAT(r.err, Contains("metric: best_val_loss (lower is better)"));
  CHECK_THAT(r.err, Contains("best: optimizer.learning_rate=0.01") && Contains("paired t-test p=0.0494") &&
                        Contains("Wilcoxon signed-rank p=0.25") && Contains("beats 1 of 1 others at p<0.05 (Holm-adjusted") &&
                        Contains("1 other not tested (see note)"));
}

TEST_CASE("summary: table format ends with the verdict, json reads back", "[analysis][summary]") {
  const fs::path db = synthetic_db();
  auto r = run_lrlab({"summary", db.string()});
  REQUIRE(r.rc == 0);
  CHECK_THAT(r.out, Contains("paired_t_p") && Contains("verdict: best: optimizer.learning_rate=0.01"));
  r = run_lrlab({"summary", db.string(), "--format", "json", "--experiment", "synthetic"});
  REQUIRE(r.rc == 0);
  CHECK_THAT(r.out, Contains("\"mean\": 2.5") && Contains("\"rank\": 3"));
}

TEST_CASE("summary: --maximize reverses the ranking, missing trials are counted", "[analysis][summary]") {
  const fs::path db = synthetic_db();
  sql_exec(db, "UPDATE trials SET status = 'failed' WHERE trial_index = 8");  // C loses repeat 2
  const auto r = run_lrlab({"summary", db.string(), "--maximize", "--format", "csv"});
  REQUIRE(r.rc == 0);
  const auto rows = csv_rows(r.out);
  REQUIRE(rows.size() == 4);
  CHECK(rows[1][1] == "0.03");
  CHECK(rows[1][2] == "2");   // n
  CHECK(rows[1][3] == "1");   // missing
  CHECK(num(rows[1][4]) == Approx(4.5));
  // B against C on the 2 repeats both have: differences -2.5, -2.3.
  CHECK(rows[2][1] == "0.02");
  CHECK(summary_cell(rows, 2, "pairs") == "2");
  CHECK(num(summary_cell(rows, 2, "diff_vs_best")) == Approx(-2.4));
}

TEST_CASE("summary: --by regroups by config paths, an evals metric ranks by its final value", "[analysis][summary]") {
  const fs::path db = synthetic_db();
  auto r = run_lrlab({"summary", db.string(), "--by", "schedule.type", "--format", "csv"});
  REQUIRE(r.rc == 0);
  auto rows = csv_rows(r.out);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0][1] == "schedule.type");
  CHECK(rows[1][1] == "constant");
  CHECK(rows[1][2] == "3");  // n: the repeats, each the mean of its three trials
  CHECK(num(rows[1][4]) == Approx(28.5 / 9));

  r = run_lrlab({"summary", db.string(), "--metric", "val_loss", "--format", "csv"});
  INFO(r.err);
  REQUIRE(r.rc == 0);
  rows = csv_rows(r.out);
  REQUIRE(rows.size() == 4);
  const std::string best_lr = rows[1][1];
  const double expected = std::stod(sql1(db, "SELECT avg(v) FROM (SELECT (SELECT value FROM evals e WHERE e.trial_id = t.trial_id "
                                             "AND metric = 'val_loss' ORDER BY step DESC LIMIT 1) AS v FROM trials t WHERE "
                                             "json_extract(config_json, '$.optimizer.learning_rate') = " + best_lr + ")"));
  CHECK(num(rows[1][4]) == Approx(expected).epsilon(1e-12));

  r = run_lrlab({"summary", db.string(), "--metric", "nope"});
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("--metric \"nope\"") && Contains("val_loss"));
  r = run_lrlab({"summary", db.string(), "--experiment", "other"});
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("synthetic"));
}
