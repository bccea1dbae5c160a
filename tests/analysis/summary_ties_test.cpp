// Ties in the summary, on a database written by hand: configurations whose trials are bit-identical
// are reported as identical and share one rank; configurations with the same value in every repeat
// are ties; an exact tie never gets a p-value (NULL, with a note saying why), never p = 0.
#include <catch2/catch.hpp>
#include <cmath>

#include "lrlab/analysis/summary_table.hpp"
#include "results_fixture.hpp"

using Catch::Matchers::Contains;
using namespace lrlab;
using namespace lrlab::analysis;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

// Four schedules x 2 repeats (trial_id = 10 k + r):
//   X constant                      steps and evals rows R_r          best_val_loss 3.0, 3.5
//   Y constant(learning_rate=0.1)   the same rows as X: one configuration written twice
//   Z cosine                        other train losses, the same best_val_loss as X: a tie
//   W step                          other rows, best_val_loss 4.0, 4.2
fs::path ties_db() {
  const fs::path db = empty_results_db("ties");
  std::string sql = experiment_row(1, "ties");
  const char* schedules[] = {R"({"type": "constant"})", R"({"type": "constant", "learning_rate": 0.1})", R"({"type": "cosine"})",
                             R"({"type": "step"})"};
  const double best[4][2] = {{3.0, 3.5}, {3.0, 3.5}, {3.0, 3.5}, {4.0, 4.2}};
  for (int k = 0; k < 4; ++k)
    for (int r = 0; r < 2; ++r) {
      const int id = 10 * k + r;
      sql += trial_row({id, 1, 2 * k + r, r, std::string(R"({"schedule": )") + schedules[k] + "}",
                        std::string(R"({"schedule": )") + schedules[k] + "}", "completed", best[k][r]});
      const double shift = k < 2 ? 0.0 : 0.25 * k;  // X and Y: the same rows
      sql += step_row(id, 0, 0.1, 5.0 + r + shift) + step_row(id, 1, 0.1, 4.0 + r + shift);
      sql += eval_row(id, 1, "val_loss", best[k][r]);
    }
  sql_exec(db, sql);
  return db;
}

}  // namespace

TEST_CASE("summary ties: identical trajectories and equal values share one rank, with no p-value", "[analysis][summary]") {
  const fs::path db = ties_db();
  const sqlite::Connection c = open_results_read_only(db.string());
  const Ranking r = rank_configurations(c, {1, "ties"}, {});
  REQUIRE(r.configurations.size() == 4);
  CHECK(r.configurations[0].labels == std::vector<std::string>{"constant"});
  CHECK(r.configurations[1].labels == std::vector<std::string>{"constant(learning_rate=0.1)"});
  CHECK(r.configurations[2].labels == std::vector<std::string>{"cosine"});
  CHECK(r.configurations[3].labels == std::vector<std::string>{"step"});
  // One rank for the three ties; the next is 4 (competition ranking).
  CHECK(r.configurations[0].rank == 1);
  CHECK(r.configurations[1].rank == 1);
  CHECK(r.configurations[2].rank == 1);
  CHECK(r.configurations[3].rank == 4);
  CHECK(r.identical == std::vector<std::vector<std::size_t>>{{0, 1}});
  CHECK(r.equal == std::vector<std::vector<std::size_t>>{{0, 1, 2}});
  for (int k : {1, 2}) {
    const Comparison& cmp = *r.configurations[static_cast<std::size_t>(k)].vs_best;
    CHECK(std::isnan(cmp.t_test.p));
    CHECK(std::isnan(cmp.wilcoxon.p));
    CHECK(std::isnan(cmp.t_p_adjusted));
    CHECK(cmp.note == "all differences are 0");
  }
  // W: differences 1.0 and 0.7, the one comparison of the family (Holm leaves it as it is).
  const Comparison& w = *r.configurations[3].vs_best;
  CHECK(w.t_test.p > 0);
  CHECK(w.t_p_adjusted == w.t_test.p);

  const std::string v = verdict(r);
  CHECK_THAT(v, Contains("identical: these 2 configurations produced the same trajectory: schedule=constant, "
                         "schedule=constant(learning_rate=0.1)"));
  CHECK_THAT(v, Contains("tied: these 3 configurations have the same best_val_loss in every repeat: schedule=constant, "
                         "schedule=constant(learning_rate=0.1), schedule=cosine"));
  CHECK_THAT(v, Contains("vs runner-up schedule=step"));
  CHECK_THAT(v, Contains("no evidence that schedule=constant beats schedule=step at p<0.05 (Holm-adjusted paired t-test)"));

  // The table: rank 1 three times, NULL p-values with the note; no p is 0 anywhere.
  const Table t = summary_table(r);
  const auto col = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(t.columns.begin(), t.columns.end(), name) - t.columns.begin());
  };
  CHECK(t.rows[1][col("rank")] == Cell{std::int64_t{1}});
  CHECK(t.rows[2][col("rank")] == Cell{std::int64_t{1}});
  CHECK(t.rows[1][col("paired_t_p")] == Cell{});
  CHECK(t.rows[1][col("wilcoxon_p")] == Cell{});
  CHECK(t.rows[1][col("note")] == Cell{std::string("all differences are 0")});
  for (const auto& row : t.rows)
    for (const char* p : {"paired_t_p", "paired_t_p_adj", "wilcoxon_p", "wilcoxon_p_adj"})
      CHECK(row[col(p)] != Cell{0.0});
}

TEST_CASE("summary ties: identical trajectories stay tied when the metric is the machine's (wall_seconds)", "[analysis][summary]") {
  const fs::path db = ties_db();
  sql_exec(db, "UPDATE trials SET wall_seconds = 1.0 + trial_id / 100.0");
  const sqlite::Connection c = open_results_read_only(db.string());
  SummaryRequest request;
  request.metric = "wall_seconds";
  const Ranking r = rank_configurations(c, {1, "ties"}, request);
  // X (1.00, 1.01) and Y (1.10, 1.11) are the same trajectories: one rank, not compared.
  CHECK(r.configurations[0].labels == std::vector<std::string>{"constant"});
  CHECK(r.configurations[1].labels == std::vector<std::string>{"constant(learning_rate=0.1)"});
  CHECK(r.configurations[1].rank == 1);
  CHECK(std::isnan(r.configurations[1].vs_best->t_test.p));
  CHECK(r.configurations[1].vs_best->note == "same trajectories as the best: not compared");
  CHECK(r.configurations[2].rank == 3);
}

TEST_CASE("summary ties: paired tests of equal or constant differences give no p-value, with a note", "[analysis][summary]") {
  using namespace lrlab::analysis::stats;
  auto t = paired_t_test({0, 0, 0});
  CHECK(std::isnan(t.p));
  CHECK(t.note == "all differences are 0");
  t = paired_t_test({3, 3, 3});
  CHECK(std::isnan(t.p));
  CHECK(t.note == "differences have zero variance: no t-test");
  // Lattice values: 99/113 - 100/113 and 100/113 - 101/113 are one difference, whatever their last bit.
  t = paired_t_test({99.0 / 113 - 100.0 / 113, 100.0 / 113 - 101.0 / 113, 98.0 / 113 - 99.0 / 113});
  CHECK(std::isnan(t.p));
  CHECK(t.note == "differences have zero variance: no t-test");
  CHECK(std::isnan(paired_effect({3, 3, 3}).d_z));
  const auto w = wilcoxon_signed_rank({0, 0, 0});
  CHECK(std::isnan(w.p));
  CHECK(w.note == "all differences are 0");
}
