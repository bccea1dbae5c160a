// The corrected comparisons of the summary on a database written by hand, six repeats: every number
// (the 95% intervals of the differences, d_z, the paired t-test's p from the closed-form CDF of
// Student's t with 5 degrees of freedom, the exact Wilcoxon p by listing the 2^6 sign patterns,
// Holm's and Benjamini-Hochberg's adjusted p-values) is worked out here, not by the library.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>

#include "lrlab/analysis/summary_table.hpp"
#include "results_fixture.hpp"
#include "wilcoxon_oracle.hpp"

using namespace lrlab;
using namespace lrlab::analysis;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

const double corrected_t975_df5 = 2.570581835636314;  // t_{0.975, 5}, published tables

// Two-sided p of Student's t with 5 degrees of freedom: for odd df the CDF is closed-form,
// P(|T| < t) = (2/pi)(theta + sin(theta) cos(theta) (1 + (2/3) cos^2(theta))), theta = atan(t / sqrt 5).
double corrected_t_p_df5(double t) {
  const double th = std::atan(std::fabs(t) / std::sqrt(5.0)), c = std::cos(th);
  return 1 - 2 / std::acos(-1.0) * (th + std::sin(th) * c * (1 + 2.0 / 3 * c * c));
}

struct HandStats {
  double mean, sd, t, p, d_z, low, high;
};
HandStats corrected_by_hand(const std::vector<double>& d) {
  double m = 0, ss = 0;
  for (double v : d) m += v / 6;
  for (double v : d) ss += (v - m) * (v - m);
  const double sd = std::sqrt(ss / 5), t = m / (sd / std::sqrt(6.0));
  return {m, sd, t, corrected_t_p_df5(t), m / sd, m - corrected_t975_df5 * sd / std::sqrt(6.0), m + corrected_t975_df5 * sd / std::sqrt(6.0)};
}

// best_val_loss by repeat: A is 1.0 ... 1.5; B, C and D are A plus these differences.
const double corrected_a[6] = {1.0, 1.1, 1.2, 1.3, 1.4, 1.5};
const double corrected_d[3][6] = {{0.35, 0.1, 0.4, -0.1, 0.2, 0.3},   // B: mean 0.2083, p about 0.040
                                  {0.4, -0.1, 0.2, 0.1, 0.4, 0.2},    // C: mean 0.2, p about 0.049
                                  {1.0, 0.8, 1.2, 0.9, 1.1, 1.3}};    // D: mean 1.05, p about 4e-5

fs::path corrected_db() {
  const fs::path db = empty_results_db("corrected");
  std::string sql = experiment_row(1, "six");
  const char* lrs[] = {"0.1", "0.2", "0.3", "0.4"};
  for (int k = 0; k < 4; ++k)
    for (int r = 0; r < 6; ++r) {
      const double v = corrected_a[r] + (k == 0 ? 0.0 : corrected_d[k - 1][r]);
      sql += trial_row({10 * k + r, 1, 6 * k + r, r, std::string(R"({"optimizer": {"learning_rate": )") + lrs[k] + "}}",
                        std::string(R"({"optimizer.learning_rate": )") + lrs[k] + "}", "completed", v});
    }
  sql_exec(db, sql);
  return db;
}

// The differences as the database holds them: (A + d) - A in doubles.
std::vector<double> corrected_stored_d(int k) {
  std::vector<double> d;
  for (int r = 0; r < 6; ++r) d.push_back((corrected_a[r] + corrected_d[k][r]) - corrected_a[r]);
  return d;
}

}  // namespace

TEST_CASE("summary corrected: intervals, d_z, t and Wilcoxon p, Holm and BH adjusted p, by hand", "[analysis][summary]") {
  const fs::path db = corrected_db();
  const sqlite::Connection c = open_results_read_only(db.string());
  const Ranking r = rank_configurations(c, {1, "six"}, {});
  REQUIRE(r.configurations.size() == 4);
  // By mean: A, then C (0.2), B (0.2083), D (1.05).
  CHECK(r.configurations[0].labels == std::vector<std::string>{"0.1"});
  CHECK(r.configurations[1].labels == std::vector<std::string>{"0.3"});
  CHECK(r.configurations[2].labels == std::vector<std::string>{"0.2"});
  CHECK(r.configurations[3].labels == std::vector<std::string>{"0.4"});
  const HandStats b = corrected_by_hand(corrected_stored_d(0)), cc = corrected_by_hand(corrected_stored_d(1)),
                  d = corrected_by_hand(corrected_stored_d(2));
  const RankedConfiguration* line[3] = {&r.configurations[2], &r.configurations[1], &r.configurations[3]};  // B, C, D
  const HandStats* hand[3] = {&b, &cc, &d};
  for (int k = 0; k < 3; ++k) {
    INFO("configuration " << k);
    REQUIRE(line[k]->vs_best.has_value());
    const Comparison& cmp = *line[k]->vs_best;
    CHECK(cmp.diff == Approx(hand[k]->mean).epsilon(1e-12));
    CHECK(cmp.diff_ci95.low == Approx(hand[k]->low).epsilon(1e-10));
    CHECK(cmp.diff_ci95.high == Approx(hand[k]->high).epsilon(1e-10));
    CHECK(cmp.d_z == Approx(hand[k]->d_z).epsilon(1e-12));
    CHECK(cmp.t_test.statistic == Approx(hand[k]->t).epsilon(1e-12));
    CHECK(cmp.t_test.p == Approx(hand[k]->p).epsilon(1e-9));
    CHECK(cmp.wilcoxon.p == Approx(wilcoxon_by_enumeration(corrected_stored_d(k))).epsilon(1e-12));
    CHECK(cmp.note.empty());
  }
  // The p-values' order: D < B < C. Holm multiplies by 3, 2, 1 and keeps the running maximum.
  REQUIRE(d.p < b.p);
  REQUIRE(b.p < cc.p);
  CHECK(line[2]->vs_best->t_p_adjusted == Approx(3 * d.p).epsilon(1e-9));
  CHECK(line[0]->vs_best->t_p_adjusted == Approx(2 * b.p).epsilon(1e-9));
  CHECK(line[1]->vs_best->t_p_adjusted == Approx(std::max(2 * b.p, cc.p)).epsilon(1e-9));
  CHECK(verdict(r).find("beats 1 of 3 others at p<0.05 (Holm-adjusted paired t-test)") != std::string::npos);

  // Benjamini-Hochberg: 3p/1, 3p/2, 3p/3 in the same order, then the running minimum from the top.
  SummaryRequest bh;
  bh.correction = analysis::stats::Correction::bh;
  const Ranking rb = rank_configurations(c, {1, "six"}, bh);
  CHECK(rb.configurations[1].vs_best->t_p_adjusted == Approx(cc.p).epsilon(1e-9));
  CHECK(rb.configurations[2].vs_best->t_p_adjusted == Approx(std::min(3 * b.p / 2, cc.p)).epsilon(1e-9));
  CHECK(rb.configurations[3].vs_best->t_p_adjusted == Approx(std::min({3 * d.p, 3 * b.p / 2, cc.p})).epsilon(1e-9));
  CHECK(verdict(rb).find("beats 3 of 3 others at p<0.05 (BH-adjusted paired t-test)") != std::string::npos);

  SummaryRequest none;
  none.correction = analysis::stats::Correction::none;
  const Ranking rn = rank_configurations(c, {1, "six"}, none);
  CHECK(rn.configurations[1].vs_best->t_p_adjusted == rn.configurations[1].vs_best->t_test.p);
  CHECK(verdict(rn).find("beats 3 of 3 others at p<0.05 (unadjusted paired t-test)") != std::string::npos);
}

TEST_CASE("summary corrected: the table shows raw and adjusted p-values, the interval and d_z", "[analysis][summary]") {
  const fs::path db = corrected_db();
  const sqlite::Connection c = open_results_read_only(db.string());
  const Table t = summary_table(rank_configurations(c, {1, "six"}, {}));
  CHECK(t.columns == std::vector<std::string>{"rank", "optimizer.learning_rate", "n", "missing", "mean", "sd", "ci95_low", "ci95_high",
                                              "diff_vs_best", "diff_ci95_low", "diff_ci95_high", "d_z", "pairs", "paired_t_p",
                                              "paired_t_p_adj", "wilcoxon_p", "wilcoxon_p_adj", "note"});
  REQUIRE(t.rows.size() == 4);
  CHECK(t.rows[0].back() == Cell{std::string("best")});
  const HandStats cc = corrected_by_hand(corrected_stored_d(1));
  CHECK(std::get<double>(t.rows[1][9]) == Approx(cc.low).epsilon(1e-10));
  CHECK(std::get<double>(t.rows[1][11]) == Approx(cc.d_z).epsilon(1e-12));
  CHECK(t.rows[1][12] == Cell{std::int64_t{6}});
  CHECK(std::get<double>(t.rows[1][13]) == Approx(cc.p).epsilon(1e-9));
  CHECK(std::get<double>(t.rows[1][14]) > 0.05);  // Holm lifts C above 0.05
  CHECK(t.rows[1][17] == Cell{});
}
