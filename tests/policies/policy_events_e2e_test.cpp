// End to end: the lrlab binary with policies on a noisy quadratic, the `events` table read with SQL.
#include <catch2/catch.hpp>

#include "support/cli.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {
// The noisy quadratic reaches its noise floor within a few epochs: val_loss then stalls, the plateau
// policy halves the rate, and early stopping ends the trial with the best parameters.
const char* spec = R"({
  "name": "policy_events", "seed": 3,
  "task": {"type": "quadratic", "curvatures": [1.0, 4.0, 20.0], "initial": [3.0, -2.0, 1.0],
           "noise_std": 2.0, "steps_per_epoch": 10},
  "optimizer": {"learning_rate": 0.05},
  "policies": [{"type": "reduce_on_plateau", "factor": 0.5, "patience": 2},
               {"type": "early_stopping", "patience": 8, "restore_best": true}],
  "budget": {"epochs": 200}
})";
}  // namespace

TEST_CASE("policies: every action is an events row with its reason", "[e2e][events]") {
  const fs::path dir = temp_dir("policy-events");
  write_file(dir / "spec.json", spec);
  auto r = run_lrlab({"run", "spec.json", "--db", "p.db", "--quiet"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  const fs::path db = dir / "p.db";
  CHECK(sql1(db, "SELECT status FROM trials") == "stopped_early");
  // Reductions: halved rates, with the metric, the best, the threshold and the count in the message.
  const int reductions = std::stoi(sql1(db, "SELECT count(*) FROM events WHERE source = 'reduce_on_plateau' AND kind = 'reduce'"));
  CHECK(reductions >= 2);
  CHECK(sql1(db, "SELECT count(*) FROM events WHERE source = 'reduce_on_plateau' AND kind = 'reduce' AND "
                 "abs(new_lr - old_lr * 0.5) <= 1e-15 AND message LIKE 'val_loss % did not improve on best % "
                 "(rel threshold 0.0001) for 3 evaluations (patience 2); lr % -> %'") == std::to_string(reductions));
  // Each reduction happened at an evaluation, and the next update used the new rate.
  CHECK(sql1(db, "SELECT count(*) FROM events e JOIN evals v ON v.trial_id = e.trial_id AND v.step = e.step AND "
                 "v.metric = 'val_loss' JOIN steps s ON s.trial_id = e.trial_id AND s.step = e.step "
                 "WHERE e.kind = 'reduce' AND s.lr = e.new_lr") == std::to_string(reductions));
  // Early stopping: restore then stop, at the same step, the last events of the trial.
  CHECK(sql1(db, "SELECT group_concat(kind || '@' || step) FROM (SELECT kind, step FROM events WHERE source = "
                 "'early_stopping' ORDER BY rowid)") ==
        "restore_best@" + sql1(db, "SELECT steps_done FROM trials") + ",stop@" + sql1(db, "SELECT steps_done FROM trials"));
  CHECK_THAT(sql1(db, "SELECT message FROM events WHERE kind = 'stop'"),
             Contains("has not improved on best") && Contains("(patience 8); stopping, final metrics are those of the "
                                                              "restored best parameters"));
  // The final metrics are those of the restored best parameters: the best evaluation's val_loss.
  CHECK(sql1(db, "SELECT final_val_loss = best_val_loss FROM trials") == "1");
  CHECK(sql1(db, "SELECT count(*) FROM evals WHERE metric = 'val_loss' AND value = (SELECT final_val_loss FROM trials) "
                 "AND step = (SELECT CAST(substr(message, instr(message, 'from step ') + 10) AS INTEGER) FROM events "
                 "WHERE kind = 'restore_best')") == "1");
}
