// Gallery entry 5 (docs/gallery.md): schedule-free AdamW against AdamW with a cosine decay tuned
// for each budget T, on a reduced version of experiments/gallery/05_schedule_free.json (T = 115
// and 230 updates, three rates, 6 repeats). What lrlab found:
//  - a schedule-free run has no stopping time: the run of 115 updates is the first 115 updates
//    of the run of 230, bit for bit, so one run serves every T;
//  - with its rate tuned once (on validation, at the largest T), it is not told apart from the
//    cosine schedule tuned at each T (paired tests within each T, on the test share).
#include <catch2/catch.hpp>

#include "support/gallery.hpp"

using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

fs::path g05_run() {
  OJson spec = gallery_spec("05_schedule_free.json");
  spec["repeats"] = 6;
  OJson cases = OJson::array();
  for (const auto& c : spec["cases"])
    if (c["budget"]["steps"] == 115 || c["budget"]["steps"] == 230) cases.push_back(c);
  REQUIRE(cases.size() == 4);
  spec["cases"] = cases;
  spec["budget"] = {{"steps", 230}};
  spec["grid"]["optimizer.learning_rate"] = {0.005, 0.01, 0.02};
  const fs::path db = run_gallery("gallery05", spec);
  REQUIRE(sql1(db, "SELECT count(*) FROM trials WHERE status = 'completed'") == "72");
  return db;
}

const char* const g05_sf = "json_extract(config_json,'$.optimizer.type') = 'schedule_free_adamw'";

}  // namespace

TEST_CASE("gallery 05: a schedule-free run has no stopping time, the short run is the long one's prefix bit for bit",
          "[gallery]") {
  const fs::path db = g05_run();
  const std::string same_run = "l.repeat = s.repeat AND json_extract(l.config_json,'$.optimizer.learning_rate') = "
                               "json_extract(s.config_json,'$.optimizer.learning_rate') AND l.budget_steps = 230 AND "
                               "json_extract(l.config_json,'$.optimizer.type') = 'schedule_free_adamw'";
  const std::string short_runs = "json_extract(s.config_json,'$.optimizer.type') = 'schedule_free_adamw' AND s.budget_steps = 115";
  // Every recorded step of a 115-update run equals the 230-update run's at that step (rate and loss).
  CHECK(sql1(db, "SELECT count(*) FROM trials s JOIN trials l ON " + same_run +
                     " JOIN steps a ON a.trial_id = s.trial_id JOIN steps b ON b.trial_id = l.trial_id AND b.step = a.step"
                     " WHERE " + short_runs) == sql1(db, "SELECT count(*) FROM steps a JOIN trials s ON s.trial_id = a.trial_id WHERE " + short_runs));
  CHECK(sql1(db, "SELECT count(*) FROM trials s JOIN trials l ON " + same_run +
                     " JOIN steps a ON a.trial_id = s.trial_id JOIN steps b ON b.trial_id = l.trial_id AND b.step = a.step"
                     " WHERE " + short_runs + " AND (a.lr IS NOT b.lr OR a.train_loss IS NOT b.train_loss)") == "0");
  // Its final validation loss is the long run's evaluation at step 115, the same double.
  const auto rows = sql(db, "SELECT s.final_val_loss, e.value FROM trials s JOIN trials l ON " + same_run +
                                " JOIN evals e ON e.trial_id = l.trial_id AND e.metric = 'val_loss' AND e.step = 115 WHERE " + short_runs);
  REQUIRE(rows.size() == 18);
  for (const auto& row : rows) CHECK(row[0] == row[1]);
}

TEST_CASE("gallery 05: schedule-free AdamW tuned once is not told apart from a cosine tuned for each budget",
          "[gallery]") {
  const fs::path db = g05_run();
  // AdamW + cosine: the rate with the lowest mean best_val_loss at each T. Schedule-free: the rate
  // with the lowest mean best_val_loss at the largest T, used at every T.
  const std::string where = std::string(
      "config_json IN (SELECT config_json FROM (SELECT config_json, budget_steps, min(v) FROM ("
      "SELECT config_json, budget_steps, avg(best_val_loss) AS v FROM trials "
      "WHERE json_extract(config_json,'$.optimizer.type') = 'adam' GROUP BY config_json) GROUP BY budget_steps) "
      "UNION SELECT config_json FROM trials WHERE ") + g05_sf +
      " AND json_extract(config_json,'$.optimizer.learning_rate') = (SELECT lr FROM (SELECT "
      "json_extract(config_json,'$.optimizer.learning_rate') AS lr, min(v) FROM (SELECT config_json, "
      "avg(best_val_loss) AS v FROM trials WHERE " + g05_sf +
      " AND budget_steps = (SELECT max(budget_steps) FROM trials) GROUP BY config_json))))";
  const OJson rows = summary_rows(db, {"--metric", "test_loss", "--within",
                            "budget.steps", "--where", where});
  REQUIRE(rows.size() == 4);  // two per budget
  for (const auto& row : rows) {
    INFO(row.dump());
    if (row["rank"] == 2) CHECK(row["paired_t_p"].get<double>() > 0.05);
  }
  // The schedule-free rate is one rate at both budgets.
  CHECK(sql1(db, "SELECT count(DISTINCT json_extract(config_json,'$.optimizer.learning_rate')) FROM trials WHERE (" +
                     where + ") AND " + g05_sf) == "1");
}
