// The summary's ranking, called directly on a database written by hand: every number is checked
// against arithmetic done here (closed forms, published t quantiles, and an exact Wilcoxon p-value
// by brute-force enumeration of sign patterns), never against the statistics code itself.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>

#include "lrlab/analysis/summary_table.hpp"
#include "lrlab/errors.hpp"
#include "results_fixture.hpp"
#include "wilcoxon_oracle.hpp"

using namespace lrlab;
using namespace lrlab::analysis;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

const double pi = std::acos(-1.0);
const double t975_df1 = 12.706204736174707;  // t_{0.975, 1}, published tables
const double t975_df3 = 3.182446305284263;   // t_{0.975, 3}

// Two-sided p of Student's t with 1 and 3 degrees of freedom, from their closed-form CDFs.
double t_p_df1(double t) { return 1 - 2 * std::atan(std::fabs(t)) / pi; }
double t_p_df3(double t) {
  const double u = std::fabs(t) / std::sqrt(3.0);
  return 1 - 2 * (u / (1 + u * u) + std::atan(u)) / pi;
}

double sample_sd(const std::vector<double>& x) {
  double m = 0, ss = 0;
  for (double v : x) m += v / static_cast<double>(x.size());
  for (double v : x) ss += (v - m) * (v - m);
  return std::sqrt(ss / static_cast<double>(x.size() - 1));
}

std::string lr_grid(const std::string& lr) { return R"({"optimizer.learning_rate": )" + lr + "}"; }
std::string lr_config(const std::string& lr) { return R"({"optimizer": {"learning_rate": )" + lr + "}}"; }

// Four configurations of four repeats, best_val_loss by hand (trial_id = 10·config + repeat):
//   A (lr 0.01): 1.0  2.0  3.0  6.0
//   B (lr 0.02): 1.5  2.5  2.0  7.0 (stopped early: a finished trial, it counts)
//   C (lr 0.03): 4.0  5.0  failed (its 9.9 ignored)  diverged without a value
//   D (lr 0.04): pending, pending, pending, pending
fs::path ranking_db() {
  const fs::path db = empty_results_db("ranking");
  std::string sql = experiment_row(1, "synthetic");
  const char* lrs[] = {"0.01", "0.02", "0.03", "0.04"};
  const std::optional<double> v[4][4] = {{1.0, 2.0, 3.0, 6.0}, {1.5, 2.5, 2.0, 7.0}, {4.0, 5.0, 9.9, std::nullopt}, {}};
  const char* status[4][4] = {{"completed", "completed", "completed", "completed"},
                              {"completed", "completed", "completed", "stopped_early"},
                              {"completed", "completed", "failed", "diverged"},
                              {"pending", "pending", "pending", "pending"}};
  for (int k = 0; k < 4; ++k)
    for (int r = 0; r < 4; ++r)
      sql += trial_row({10 * k + r, 1, 4 * k + r, r, lr_config(lrs[k]), lr_grid(lrs[k]), status[k][r], v[k][r]});
  sql_exec(db, sql);
  return db;
}

}  // namespace

TEST_CASE("rank_configurations: means, sd, t intervals and paired tests against the best, by hand", "[analysis][summary]") {
  const fs::path db = ranking_db();
  const sqlite::Connection c = open_results_read_only(db.string());
  const Ranking r = rank_configurations(c, {1, "synthetic"}, {});
  CHECK(r.metric == "best_val_loss");
  CHECK_FALSE(r.maximize);
  CHECK(r.label_columns == std::vector<std::string>{"optimizer.learning_rate"});
  REQUIRE(r.configurations.size() == 4);
  const auto& a = r.configurations[0];
  const auto& b = r.configurations[1];
  const auto& c3 = r.configurations[2];
  const auto& d = r.configurations[3];

  // A, the best: mean 3; squared deviations 4 + 1 + 0 + 9 = 14 over 3.
  CHECK(a.name == "optimizer.learning_rate=0.01");
  CHECK(a.values == std::vector<double>{1.0, 2.0, 3.0, 6.0});
  CHECK(a.missing == 0);
  CHECK(a.mean == Approx(3.0));
  CHECK(a.sd == Approx(std::sqrt(14.0 / 3)));
  CHECK(a.ci95.low == Approx(3 - t975_df3 * std::sqrt(14.0 / 3) / 2).epsilon(1e-10));
  CHECK(a.ci95.high == Approx(3 + t975_df3 * std::sqrt(14.0 / 3) / 2).epsilon(1e-10));
  CHECK_FALSE(a.vs_best.has_value());

  // B: mean 3.25; squared deviations 3.0625 + 0.5625 + 1.5625 + 14.0625 = 19.25 over 3.
  // Differences to A by repeat: 0.5, 0.5, -1, 1: mean 0.25, sd sqrt(0.75), t = 0.25 / (sd / 2) = 1/sqrt(3).
  CHECK(b.labels == std::vector<std::string>{"0.02"});
  CHECK(b.values.size() == 4);
  CHECK(b.mean == Approx(3.25));
  CHECK(b.sd == Approx(std::sqrt(19.25 / 3)));
  REQUIRE(b.vs_best.has_value());
  CHECK(b.vs_best->diff == Approx(0.25));
  CHECK(b.vs_best->t_test.n == 4);
  CHECK(b.vs_best->t_test.statistic == Approx(1 / std::sqrt(3.0)));
  CHECK(b.vs_best->t_test.p == Approx(t_p_df3(1 / std::sqrt(3.0))).epsilon(1e-10));
  CHECK(b.vs_best->t_test.p == Approx(0.604179).epsilon(1e-5));  // 1 - (2/pi)(0.3 + atan(1/3))
  // Ranks of |d|: 1.5, 1.5, 3.5, 3.5; W+ = 6.5; 6 of the 16 sign patterns reach it: p = 2 · 6/16.
  CHECK(b.vs_best->wilcoxon.statistic == 6.5);
  CHECK(b.vs_best->wilcoxon.exact);
  CHECK(b.vs_best->wilcoxon.p == Approx(wilcoxon_by_enumeration({0.5, 0.5, -1, 1})));
  CHECK(b.vs_best->wilcoxon.p == Approx(0.75));

  // C: only repeats 0 and 1 count (a failed trial and a diverged one without a value are missing).
  CHECK(c3.values == std::vector<double>{4.0, 5.0});
  CHECK(c3.missing == 2);
  CHECK(c3.mean == Approx(4.5));
  CHECK(c3.sd == Approx(std::sqrt(0.5)));
  CHECK(c3.ci95.low == Approx(4.5 - t975_df1 * std::sqrt(0.5) / std::sqrt(2.0)).epsilon(1e-10));
  // Paired on the 2 repeats both have: differences 3 and 3, no spread: no t-test, never p = 0.
  REQUIRE(c3.vs_best.has_value());
  CHECK(c3.vs_best->diff == Approx(3.0));
  CHECK(c3.vs_best->t_test.n == 2);
  CHECK(std::isnan(c3.vs_best->t_test.p));
  CHECK(c3.vs_best->note == "differences have zero variance: no t-test");
  CHECK(c3.vs_best->wilcoxon.p == Approx(wilcoxon_by_enumeration({3, 3})));
  CHECK(c3.vs_best->wilcoxon.p == Approx(0.5));

  // D: nothing finished: no mean, ranked last, nothing to compare.
  CHECK(d.values.empty());
  CHECK(d.missing == 4);
  CHECK(std::isnan(d.mean));
  CHECK(std::isnan(d.sd));
  CHECK(std::isnan(d.ci95.low));
  CHECK_FALSE(d.vs_best.has_value());
}

TEST_CASE("summary_table: the columns, NULL where no number exists", "[analysis][summary]") {
  const fs::path db = ranking_db();
  const sqlite::Connection c = open_results_read_only(db.string());
  const Table t = summary_table(rank_configurations(c, {1, "synthetic"}, {}));
  CHECK(t.columns == std::vector<std::string>{"rank", "optimizer.learning_rate", "n", "missing", "mean", "sd", "ci95_low",
                                              "ci95_high", "diff_vs_best", "diff_ci95_low", "diff_ci95_high", "d_z", "pairs",
                                              "paired_t_p", "paired_t_p_adj", "wilcoxon_p", "wilcoxon_p_adj", "note"});
  REQUIRE(t.rows.size() == 4);
  const Cell null{};
  // The best: its own numbers, no comparison.
  CHECK(t.rows[0][0] == Cell{std::int64_t{1}});
  CHECK(t.rows[0][1] == Cell{std::string("0.01")});
  CHECK(t.rows[0][2] == Cell{std::int64_t{4}});
  CHECK(t.rows[0][3] == Cell{std::int64_t{0}});
  CHECK(std::get<double>(t.rows[0][4]) == Approx(3.0));
  CHECK(std::vector<Cell>(t.rows[0].begin() + 8, t.rows[0].end() - 1) == std::vector<Cell>(9, null));
  CHECK(t.rows[0].back() == Cell{std::string("best")});
  // C: 2 values, 2 missing, 2 pairs; constant differences: no t-test p, the note says why.
  CHECK(t.rows[2][0] == Cell{std::int64_t{3}});
  CHECK(t.rows[2][2] == Cell{std::int64_t{2}});
  CHECK(t.rows[2][3] == Cell{std::int64_t{2}});
  CHECK(std::get<double>(t.rows[2][8]) == Approx(3.0));
  CHECK(t.rows[2][11] == null);  // d_z: the sd of the differences is 0
  CHECK(t.rows[2][12] == Cell{std::int64_t{2}});
  CHECK(t.rows[2][13] == null);
  CHECK(t.rows[2][14] == null);
  CHECK(std::get<double>(t.rows[2][15]) == Approx(0.5));
  CHECK(t.rows[2][17] == Cell{std::string("differences have zero variance: no t-test")});
  // D: counts only.
  std::vector<Cell> d_row{std::int64_t{4}, std::string("0.04"), std::int64_t{0}, std::int64_t{4}};
  d_row.resize(17, null);
  d_row.emplace_back(std::string("no finished trial with a value"));
  CHECK(t.rows[3] == d_row);
}

TEST_CASE("verdict: the best, the runner-up with both tests, and the count of significant wins", "[analysis][summary]") {
  const fs::path db = ranking_db();
  const sqlite::Connection c = open_results_read_only(db.string());
  const Ranking r = rank_configurations(c, {1, "synthetic"}, {});
  // B's differences 0.5, 0.5, -1, 1: mean 0.25, sd sqrt(0.75), interval 0.25 ± t_{0.975,3} sd / 2 =
  // [-1.128, 1.628], d_z 0.25 / sd = 0.2887; p-values 0.604179... and 0.75 to 3 digits. C's differences
  // are 3 and 3: no t-test, so the family is B alone (Holm leaves its p as it is), and C is untested.
  CHECK(verdict(r) ==
        "best: optimizer.learning_rate=0.01 (mean best_val_loss 3, lower is better); vs runner-up "
        "optimizer.learning_rate=0.02: difference 0.25 (95% CI -1.13 to 1.63, d_z 0.289), paired t-test p=0.604 "
        "(Holm-adjusted 0.604), Wilcoxon signed-rank p=0.75 (exact, 4 paired repeats); not significantly better; no "
        "evidence that optimizer.learning_rate=0.01 beats optimizer.learning_rate=0.02 at p<0.05 (Holm-adjusted paired "
        "t-test): it is best by its mean only; 1 other not tested (see note)");
  const Summary s = summarize(c, {1, "synthetic"}, {});
  CHECK(s.verdict == verdict(r));
  CHECK(s.table.rows.size() == 4);
}

TEST_CASE("rank_configurations: --by pairs repeats through their means over the merged configurations", "[analysis][summary]") {
  const fs::path db = empty_results_db("ranking-by");
  // schedule x lr x 2 repeats; grouped by schedule.type, each repeat's value is the mean over the lrs:
  //   constant: r0 (1 + 3) / 2 = 2,   r1 (2 + 2) / 2 = 2      repeat means 2 2, mean 2
  //   cosine:   r0 (2 + 4) / 2 = 3,   r1 (4 + 3) / 2 = 3.5    repeat means 3 3.5, mean 3.25
  // The unit is the repeat (its trials share a seed and a split): n, sd and the interval are over
  // the repeat means, not the four trials.
  // Differences 1 and 1.5: mean 1.25, sd sqrt(0.125), t = 1.25 / (sd / sqrt 2) = 5 on 1 degree of freedom.
  std::string sql = experiment_row(1, "merged");
  const char* schedules[] = {"constant", "cosine"};
  const char* lrs[] = {"0.1", "0.2"};
  const double v[2][2][2] = {{{1, 2}, {3, 2}}, {{2, 4}, {4, 3}}};
  int id = 1;
  for (int s = 0; s < 2; ++s)
    for (int l = 0; l < 2; ++l)
      for (int rep = 0; rep < 2; ++rep, ++id) {
        const std::string config = std::string(R"({"schedule": {"type": ")") + schedules[s] + R"("}, "lr": )" + lrs[l] + "}";
        sql += trial_row({id, 1, id - 1, rep, config, "{}", "completed", v[s][l][rep]});
      }
  sql_exec(db, sql);
  const sqlite::Connection c = open_results_read_only(db.string());
  SummaryRequest request;
  request.by = {"schedule.type"};
  const Ranking r = rank_configurations(c, {1, "merged"}, request);
  REQUIRE(r.configurations.size() == 2);
  CHECK(r.configurations[0].name == "schedule.type=constant");
  CHECK(r.configurations[0].values.size() == 2);
  CHECK(r.configurations[0].mean == Approx(2.0));
  CHECK(r.configurations[1].mean == Approx(3.25));
  CHECK(r.configurations[1].sd == Approx(sample_sd({3, 3.5})));
  const auto& cmp = *r.configurations[1].vs_best;
  CHECK(cmp.t_test.n == 2);  // repeats, not trials
  CHECK(cmp.diff == Approx(1.25));
  CHECK(cmp.t_test.statistic == Approx(5.0));
  CHECK(cmp.t_test.p == Approx(t_p_df1(5.0)).epsilon(1e-10));
  CHECK(cmp.wilcoxon.p == Approx(wilcoxon_by_enumeration({1, 1.5})));
  // Interval 1.25 ± t_{0.975,1} · sd / sqrt 2 with sd = sqrt(0.125): ± 12.706 / 4; d_z = 1.25 / sd = 3.536.
  CHECK(cmp.diff_ci95.low == Approx(1.25 - t975_df1 * std::sqrt(0.125) / std::sqrt(2.0)).epsilon(1e-10));
  CHECK(cmp.d_z == Approx(1.25 / std::sqrt(0.125)).epsilon(1e-12));
  CHECK(verdict(r) ==
        "best: schedule.type=constant (mean best_val_loss 2, lower is better); vs runner-up schedule.type=cosine: "
        "difference 1.25 (95% CI -1.93 to 4.43, d_z 3.54), paired t-test p=0.126 (Holm-adjusted 0.126), Wilcoxon "
        "signed-rank p=0.5 (exact, 2 paired repeats); not significantly better; no evidence that schedule.type=constant "
        "beats schedule.type=cosine at p<0.05 (Holm-adjusted paired t-test): it is best by its mean only");
}

TEST_CASE("rank_configurations: an evals metric ranks by each trial's last evaluation", "[analysis][summary]") {
  const fs::path db = empty_results_db("ranking-evals");
  // val_accuracy is maximized (its name says accuracy); the last evaluation is the one at the highest
  // step, whatever the order of the rows.
  std::string sql = experiment_row(1, "evaluated") + trial_row({1, 1, 0, 0, lr_config("0.1"), lr_grid("0.1")}) +
                    trial_row({2, 1, 1, 1, lr_config("0.1"), lr_grid("0.1")}) +
                    trial_row({3, 1, 2, 0, lr_config("0.2"), lr_grid("0.2")}) +
                    trial_row({4, 1, 3, 1, lr_config("0.2"), lr_grid("0.2")});
  sql += eval_row(1, 20, "val_accuracy", 0.80) + eval_row(1, 10, "val_accuracy", 0.99) + eval_row(2, 20, "val_accuracy", 0.70);
  sql += eval_row(3, 10, "val_accuracy", 0.50) + eval_row(3, 20, "val_accuracy", 0.90) + eval_row(4, 20, "val_accuracy", 0.86);
  sql += eval_row(1, 20, "val_loss", 0.1);
  sql_exec(db, sql);
  const sqlite::Connection c = open_results_read_only(db.string());
  SummaryRequest request;
  request.metric = "val_accuracy";
  const Ranking r = rank_configurations(c, {1, "evaluated"}, request);
  CHECK(r.maximize);
  REQUIRE(r.configurations.size() == 2);
  CHECK(r.configurations[0].labels == std::vector<std::string>{"0.2"});
  CHECK(r.configurations[0].values == std::vector<double>{0.90, 0.86});
  CHECK(r.configurations[1].values == std::vector<double>{0.80, 0.70});
  CHECK(r.configurations[1].vs_best->diff == Approx(-0.13));  // (0.80 - 0.90 + 0.70 - 0.86) / 2
  // --minimize turns the order around.
  request.minimize = true;
  CHECK(rank_configurations(c, {1, "evaluated"}, request).configurations[0].labels == std::vector<std::string>{"0.1"});

  // An unknown metric names the trials columns and this experiment's evals metrics.
  request = {};
  request.metric = "val_f1";
  CHECK_THROWS_MATCHES(rank_configurations(c, {1, "evaluated"}, request), SpecError,
                       Catch::Message("--metric \"val_f1\" is neither a trials column (best_val_loss, final_test_accuracy, "
                                      "final_test_loss, final_train_loss, final_val_accuracy, final_val_loss, steps_done, "
                                      "test_accuracy, test_loss, wall_seconds) nor an evals metric of "
                                      "this experiment (val_accuracy, val_loss)"));
}

TEST_CASE("rank_configurations: contradictory directions and an experiment without trials are errors", "[analysis][summary]") {
  const fs::path db = ranking_db();
  sql_exec(db, experiment_row(2, "empty"));
  const sqlite::Connection c = open_results_read_only(db.string());
  SummaryRequest both;
  both.maximize = both.minimize = true;
  CHECK_THROWS_MATCHES(rank_configurations(c, {1, "synthetic"}, both), SpecError,
                       Catch::Message("--maximize and --minimize exclude each other"));
  CHECK_THROWS_MATCHES(rank_configurations(c, {2, "empty"}, {}), SpecError,
                       Catch::Message("experiment \"empty\" has no trials"));
}

TEST_CASE("higher_is_better: accuracy-like names are maximized unless the request says otherwise", "[analysis][summary]") {
  auto request = [](const std::string& metric, bool maximize, bool minimize) {
    SummaryRequest r;
    r.metric = metric;
    r.maximize = maximize;
    r.minimize = minimize;
    return r;
  };
  CHECK_FALSE(higher_is_better(request("best_val_loss", false, false)));
  CHECK_FALSE(higher_is_better(request("wall_seconds", false, false)));
  CHECK(higher_is_better(request("final_val_accuracy", false, false)));
  CHECK(higher_is_better(request("val_auc", false, false)));
  CHECK(higher_is_better(request("f1_macro", false, false)));
  CHECK(higher_is_better(request("best_val_loss", true, false)));
  CHECK_FALSE(higher_is_better(request("val_accuracy", false, true)));
}
