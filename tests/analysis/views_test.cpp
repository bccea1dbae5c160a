// The analysis views every results database gets: checked on rows written by hand, and on a real run.
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "support/cli.hpp"

using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {
const char* views_spec = R"({
  "name": "viewed", "seed": 2, "repeats": 1,
  "task": {"type": "quadratic", "dimension": 2, "condition_number": 10, "steps_per_epoch": 4},
  "budget": {"epochs": 2},
  "grid": {"optimizer.learning_rate": [0.05, 0.2]}
})";


fs::path make_views_db() {
  const fs::path dir = temp_dir("views");
  write_file(dir / "spec.json", views_spec);
  const auto r = run_lrlab({"run", "spec.json", "--db", "v.db", "--quiet"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  return dir / "v.db";
}
double views_num(const std::string& s) { return std::stod(s); }
}  // namespace

TEST_CASE("views on a hand-written trial: best step and rate, thresholds, rate area, actions", "[analysis][views]") {
  const fs::path db = make_views_db();
  // Trial 900: steps 0, 2, 4 recorded with rates 0.1, 0.05, 0.05; val_loss 0.5 @2, 0.3 @4, 0.3 @6;
  // one event; trial 901: no steps, no events.
  sql_exec(db, "INSERT INTO trials(trial_id, experiment_id, trial_index, repeat, seed, trial_key, config_json, grid_json, status) "
           "VALUES (900, 1, 100, 0, 1, 'a', '{}', '{}', 'completed'), (901, 1, 101, 0, 1, 'b', '{}', '{}', 'completed');"
           "INSERT INTO steps(trial_id, step, epoch, lr, train_loss) VALUES (900, 0, 0, 0.1, 3.0), (900, 2, 0, 0.05, 0.9), "
           "(900, 4, 1, 0.05, 0.004);"
           "INSERT INTO evals VALUES (900, 2, 0, 'val_loss', 0.5), (900, 4, 1, 'val_loss', 0.3), (900, 6, 1, 'val_loss', 0.3), "
           "(900, 2, 0, 'val_accuracy', 0.7), (900, 4, 1, 'val_accuracy', 0.9), (900, 6, 1, 'val_accuracy', 0.8);"
           "INSERT INTO events(trial_id, step, epoch, source, kind, old_lr, new_lr, message) VALUES "
           "(900, 2, 0, 'p', 'scale', 0.1, 0.05, 'halved'), (900, 3, 0, 'p', 'note', NULL, NULL, 'just a note');");
  // Best val_loss: 0.3 first at step 4 (the tie at 6 loses); the update before it ran at rate 0.05.
  CHECK(sql(db, "SELECT step, epoch, value, lr FROM best_evals WHERE trial_id = 900 AND metric = 'val_loss'") ==
        std::vector<std::vector<std::string>>{{"4", "1", "0.29999999999999999", "0.050000000000000003"}});
  CHECK(sql1(db, "SELECT step FROM best_evals WHERE trial_id = 900 AND metric = 'val_accuracy'") == "4");  // maximized
  // First step at or below 1 / 0.5 / 0.005: train loss 0.9 @2, 0.004 @4; val_loss 0.5 @2.
  CHECK(sql1(db, "SELECT step FROM loss_thresholds WHERE trial_id = 900 AND metric = 'train_loss' AND threshold = 1") == "2");
  CHECK(sql1(db, "SELECT step FROM loss_thresholds WHERE trial_id = 900 AND metric = 'train_loss' AND threshold = 0.005") == "4");
  CHECK(sql1(db, "SELECT epoch FROM loss_thresholds WHERE trial_id = 900 AND metric = 'train_loss' AND threshold = 0.005") == "1");
  CHECK(sql1(db, "SELECT step FROM loss_thresholds WHERE trial_id = 900 AND metric = 'val_loss' AND threshold = 0.5") == "2");
  CHECK(sql1(db, "SELECT count(*) FROM loss_thresholds WHERE trial_id = 900 AND metric = 'val_loss' AND threshold = 0.2") == "0");
  // Trapezoids: 2 * (0.1 + 0.05) / 2 + 2 * (0.05 + 0.05) / 2 = 0.25.
  CHECK(views_num(sql1(db, "SELECT area FROM lr_area WHERE trial_id = 900")) == Approx(0.25).epsilon(1e-15));
  CHECK(sql(db, "SELECT actions, lr_changes FROM policy_actions WHERE trial_id IN (900, 901) ORDER BY trial_id") ==
        std::vector<std::vector<std::string>>{{"2", "1"}, {"0", "0"}});
  CHECK(sql(db, "SELECT best_val_step, lr_at_best, policy_actions FROM trial_analytics WHERE trial_id = 900") ==
        std::vector<std::vector<std::string>>{{"4", "0.050000000000000003", "2"}});
}

TEST_CASE("views on a real run: one analytics row per trial, a constant rate's area is lr times the span", "[analysis][views]") {
  const fs::path db = make_views_db();
  CHECK(sql1(db, "SELECT count(*) FROM trial_analytics") == "2");
  CHECK(sql1(db, "SELECT count(*) FROM trial_analytics WHERE best_val_step IS NOT NULL AND lr_at_best IS NOT NULL") == "2");
  // Steps 0..7 at a constant rate: area = lr * 7.
  for (const auto& row : sql(db, "SELECT a.area, json_extract(t.config_json, '$.optimizer.learning_rate'), a.last_step - a.first_step "
                                 "FROM lr_area a JOIN trials t USING(trial_id)"))
    CHECK(views_num(row[0]) == Approx(views_num(row[1]) * views_num(row[2])).epsilon(1e-12));
  // The best val_loss the views find is the one the runner stored.
  CHECK(sql1(db, "SELECT count(*) FROM trial_analytics a JOIN trials t USING(trial_id) WHERE a.best_val_loss = t.best_val_loss") == "2");
}
